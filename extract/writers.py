"""Write the tables to disk: CSV for spreadsheets, Parquet for notebooks.

CSV files follow ../shared/docs/tables.md: UTF-8 with a byte-order mark (so
Excel shows Vietnamese), comma-separated, one header row, no index, dates
and times in ISO 8601, and no cell that a spreadsheet would run as a
formula (see :func:`neutralise_formula`). Parquet files keep the raw values
and types. Each file is written to a temporary name first and renamed, so
an interrupted run never leaves a half-written table under the real name.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from .tables import TABLE_NAMES, Tables

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make Excel or LibreOffice treat a cell as a formula (OWASP)."""


def neutralise_formula(value: Any) -> Any:
    """A string a spreadsheet would run as a formula, with a leading apostrophe; anything else as is.

    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula(-5)
    -5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """The value as the CSV shows it: dates in ISO 8601, formula-like strings neutralised."""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)) and not pd.isna(value):
        return value.isoformat()
    return neutralise_formula(value)


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` ready for CSV: text and date columns converted by :func:`csv_cell`."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.map(lambda t: None if pd.isna(t) else t.isoformat()).astype(object)
        elif pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(csv_cell, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a spreadsheet-safe CSV file (UTF-8 with BOM, no index)."""
    return _atomic_write(path, lambda tmp: csv_frame(df).to_csv(
        tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a Parquet file with its raw values."""
    return _atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


WRITERS: dict[str, Callable[[pd.DataFrame, Path], Path]] = {
    "csv": write_csv,
    "parquet": write_parquet,
}
"""Format name (also the file suffix) → writer."""

FORMATS = tuple(WRITERS)


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """``formats`` without duplicates, or ValueError naming the unknown ones."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in WRITERS]
    if unknown or not chosen:
        raise ValueError(f"unknown output format {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(FORMATS)}")
    return chosen


def write_tables(tables: Tables, out_dir: Path, formats: Iterable[str] = ("csv", "parquet")) -> list[Path]:
    """Write ``<table>.<format>`` in ``out_dir`` for every table and format; the paths written."""
    chosen = check_formats(formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLE_NAMES:
        df = getattr(tables, name)
        for fmt in chosen:
            try:
                written.append(WRITERS[fmt](df, out_dir / f"{name}.{fmt}"))
            except (TypeError, ValueError) as error:
                raise ValueError(f"cannot write table {name!r} as {fmt}: {error}") from error
    return written


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
