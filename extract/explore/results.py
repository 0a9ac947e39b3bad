"""Tables to explore: a results folder written by ``vnextract extract``, or the shipped sample.

:func:`load_results` reads ``<table>.parquet`` (the raw values) and falls
back to ``<table>.csv`` (undoing what the CSV writer did for spreadsheets:
the apostrophe before formula-like text, numbers as text). :func:`open_results`
is what the notebooks call with their ``RESULTS`` variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from ..readers import read_inputs
from ..tables import COLUMNS, INTEGER_COLUMNS, TABLE_NAMES, Tables
from ..writers import FORMULA_PREFIXES

if TYPE_CHECKING:
    from ..pipeline import Extractor

SAMPLE_FILES = ("sample.jsonl", "html")
"""The shipped sample, inside ``corpus/`` of a checkout."""


def load_results(path: str | Path) -> Tables:
    """The tables in a results folder: each from its Parquet file, else its CSV file.

    FileNotFoundError names the folder or the tables it lacks.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"no results folder {folder}")
    missing = [name for name in TABLE_NAMES
               if not (folder / f"{name}.parquet").is_file() and not (folder / f"{name}.csv").is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} is not a results folder of `vnextract extract`: it has no "
            + ", ".join(f"{name}.parquet or {name}.csv" for name in missing))
    return Tables(**{name: read_table(folder, name) for name in TABLE_NAMES})


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """One table of a results folder, with the contract's columns first."""
    parquet = folder / f"{name}.parquet"
    df = pd.read_parquet(parquet) if parquet.is_file() else read_csv_table(folder / f"{name}.csv")
    return conform(name, df)


def read_csv_table(path: Path) -> pd.DataFrame:
    """A table from the CSV the writer made: text as written, formula guards removed, numbers typed."""
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=object, keep_default_na=False, na_values=[""])
    for column in df.columns:
        series = df[column].map(unguard_formula, na_action="ignore")
        if column in INTEGER_COLUMNS:
            try:
                series = pd.to_numeric(series).astype("Int64")
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path.name}: column {column!r} is not whole numbers: {error}") from None
        elif _is_boolean(series):
            series = series.map({"True": True, "False": False}, na_action="ignore").astype("boolean")
        df[column] = series
    return df


def unguard_formula(value: object) -> object:
    """The text before the CSV writer put an apostrophe in front of it ("'=1+1" → "=1+1").

    >>> unguard_formula("'=SUM(A1)"), unguard_formula("'quoted"), unguard_formula(3)
    ('=SUM(A1)', "'quoted", 3)
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every column of table ``name``'s contract (empty if missing), those first."""
    df = df.copy()
    for column in COLUMNS[name]:
        if column not in df.columns:
            df[column] = pd.Series([pd.NA] * len(df), index=df.index,
                                   dtype="Int64" if column in INTEGER_COLUMNS else "object")
    return df[COLUMNS[name] + [c for c in df.columns if c not in COLUMNS[name]]].reset_index(drop=True)


def _is_boolean(series: pd.Series) -> bool:
    values = set(series.dropna().unique())
    return bool(values) and values <= {"True", "False"}


# --- the shipped sample -------------------------------------------------------------------


def sample_inputs() -> list[Path]:
    """The shipped sample (``corpus/sample.jsonl`` and ``corpus/html/`` of a checkout)."""
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    paths = [corpus / name for name in SAMPLE_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"the shipped sample is not here ({', '.join(missing)}): it comes with a "
                                "checkout of the repository, not with the installed package")
    return paths


def sample_tables(extractor: Extractor | None = None) -> Tables:
    """The tables of the shipped sample, extracted now (with ``extractor``, or a new one)."""
    if extractor is None:
        from ..pipeline import Extractor

        extractor = Extractor()
    return extractor.run(read_inputs(sample_inputs()))


def open_results(results: str | Path | None, extractor: Extractor | None = None) -> Tables:
    """The notebooks' ``RESULTS``: None runs the shipped sample, a path is a results folder."""
    if results is None:
        return sample_tables(extractor)
    return load_results(results)


# --- input records ------------------------------------------------------------------------


def article_inputs(results: str | Path | None, articles: str | Path | Sequence[str | Path] | None) -> list[Path]:
    """Where the articles' texts are: ``articles`` if given, else the sample when ``results`` is None.

    A results folder holds no article text; without ``articles`` the list is
    empty and an article can only be shown through its stored rows.
    """
    if articles is None:
        return sample_inputs() if results is None else []
    if isinstance(articles, (str, Path)):
        return [Path(articles)]
    return [Path(p) for p in articles]


def find_record(inputs: Iterable[Path], article_id: str) -> dict | None:
    """The input record of ``article_id`` (ids as ``vnextract extract`` gives them), or None."""
    for item in read_inputs(list(inputs)):
        if isinstance(item, dict) and str(item.get("id")) == article_id:
            return item
    return None
