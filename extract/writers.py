"""Write the tables to disk: CSV for spreadsheets, Parquet for notebooks.

CSV files follow ../shared/docs/tables.md: UTF-8 with a byte-order mark (so
Excel shows Vietnamese), comma-separated, one header row, no index, dates
and times in ISO 8601, and no cell that a spreadsheet would run as a
formula (see :func:`neutralise_formula`). Parquet files keep the raw values
and types. Each file is written to a temporary name first and renamed, so
an interrupted run never leaves a half-written table under the real name.

A table too large to hold goes through :class:`TableStreamWriter`: chunks
(Arrow tables of one schema) are appended in order, the CSV chunk by chunk
and the Parquet file in row groups, and the files take their real names
when the stream is closed. The result is the same as writing the whole
table at once.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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
        elif isinstance(series.dtype, pd.StringDtype):  # text only: neutralise without a Python call per cell
            formula = series.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            if formula.any():
                out[column] = series.where(~formula, "'" + series)
        elif pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(csv_cell, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a spreadsheet-safe CSV file (UTF-8 with BOM, no index)."""
    return atomic_write(path, lambda tmp: csv_frame(df).to_csv(
        tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a Parquet file with its raw values."""
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


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
    return write_frames({name: getattr(tables, name) for name in TABLE_NAMES}, out_dir, formats)


def write_frames(frames: Mapping[str, pd.DataFrame], out_dir: Path,
                 formats: Iterable[str] = ("csv", "parquet")) -> list[Path]:
    """Write ``<name>.<format>`` in ``out_dir`` for every frame and format; the paths written."""
    chosen = check_formats(formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in frames.items():
        for fmt in chosen:
            try:
                written.append(WRITERS[fmt](df, out_dir / f"{name}.{fmt}"))
            except (TypeError, ValueError) as error:
                raise ValueError(f"cannot write table {name!r} as {fmt}: {error}") from error
    return written


CHUNK_ROWS = 100_000
"""Rows :class:`TableStreamWriter` gathers before writing them (a Parquet row group, a CSV chunk)."""


class TableStreamWriter:
    """``<stem>.csv`` and/or ``<stem>.parquet`` written chunk by chunk, in bounded memory.

    ``schema`` is the schema of every chunk (with its pandas metadata, so
    that the CSV shows the same values as :func:`write_csv` of the whole
    table). Chunks are gathered up to :data:`CHUNK_ROWS` rows, then written
    as one Parquet row group and one run of CSV lines. Nothing appears under
    the real names until :meth:`close`; a stream left by an exception
    removes its temporary files.

        with TableStreamWriter(out / "mentions", schema, ("csv", "parquet")) as stream:
            for chunk in chunks:
                stream.write(chunk)
    """

    def __init__(self, stem: Path, schema: pa.Schema, formats: Iterable[str] = ("csv", "parquet"),
                 chunk_rows: int = CHUNK_ROWS):
        self.schema = schema
        self.chunk_rows = chunk_rows
        self.paths = {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in check_formats(formats)}
        self._tmp = {fmt: path.with_name(f".{path.name}.tmp") for fmt, path in self.paths.items()}
        self._csv = open(self._tmp["csv"], "w", encoding="utf-8-sig", newline="") if "csv" in self.paths else None
        self._parquet = pq.ParquetWriter(self._tmp["parquet"], schema) if "parquet" in self.paths else None
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._csv_started = False

    def __repr__(self) -> str:
        return f"TableStreamWriter({', '.join(str(p) for p in self.paths.values())})"

    def write(self, chunk: pa.Table) -> None:
        """Append ``chunk`` (a table of :attr:`schema`)."""
        self._buffer.append(chunk)
        self._buffered += chunk.num_rows
        if self._buffered >= self.chunk_rows:
            self._flush()

    def close(self) -> list[Path]:
        """Finish the files and give them their real names; the paths written."""
        self._flush()
        if self._csv is not None and not self._csv_started:  # no rows: the header alone
            csv_frame(self.schema.empty_table().to_pandas()).to_csv(self._csv, index=False, lineterminator="\n")
        self._close_handles()
        for fmt, path in self.paths.items():
            os.replace(self._tmp[fmt], path)
        return list(self.paths.values())

    def abort(self) -> None:
        """Drop the temporary files."""
        self._close_handles()
        for tmp in self._tmp.values():
            tmp.unlink(missing_ok=True)

    def _flush(self) -> None:
        if not self._buffered:
            self._buffer = []
            return
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffered = [], 0
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=table.num_rows)
        if self._csv is not None:
            csv_frame(table.to_pandas()).to_csv(self._csv, index=False, header=not self._csv_started,
                                                lineterminator="\n")
            self._csv_started = True

    def _close_handles(self) -> None:
        for handle in (self._csv, self._parquet):
            if handle is not None:
                handle.close()

    def __enter__(self) -> "TableStreamWriter":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through a temporary file and a rename: never a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
