"""The output tables (the public contract of ../shared/docs/tables.md).

:class:`Tables` holds one pandas DataFrame per kind. Rows are added per
article as plain dicts (what crosses process boundaries), and frames are
built once at the end, with the contract's columns first and in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Iterable

import pandas as pd

COLUMNS: dict[str, list[str]] = {
    "articles": ["article_id", "url", "source", "title", "published", "author", "category", "n_chars",
                 "text_sha1"],
    "officials": ["article_id", "name", "title", "organization", "province", "mentions"],
    "provinces": ["article_id", "province", "province_2025", "code", "code_2025", "mentions"],
    "agencies": ["article_id", "agency", "parent", "province", "mentions"],
    "legal_documents": ["article_id", "doc_type", "number", "issue_date", "issuer", "title", "mentions"],
    "mentions": ["article_id", "kind", "text", "start", "end", "canonical"],
    "errors": ["article_id", "stage", "error"],
}
TABLE_NAMES = tuple(COLUMNS)
INTEGER_COLUMNS = {"n_chars", "mentions", "start", "end"}


def frame(name: str, rows: Iterable[dict]) -> pd.DataFrame:
    """A DataFrame for table ``name`` with the contract's columns first, in order."""
    df = pd.DataFrame(list(rows))
    columns = COLUMNS[name]
    for column in columns:
        if column not in df.columns:
            df[column] = pd.Series(dtype="Int64" if column in INTEGER_COLUMNS else "object")
    extra = [c for c in df.columns if c not in columns]
    df = df[columns + extra]
    for column in INTEGER_COLUMNS.intersection(df.columns):
        df[column] = df[column].astype("Int64")
    return df


@dataclass
class Rows:
    """Rows of every table for one or more articles, as plain dicts."""

    articles: list[dict] = field(default_factory=list)
    officials: list[dict] = field(default_factory=list)
    provinces: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    legal_documents: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def extend(self, other: "Rows") -> None:
        for f in fields(self):
            getattr(self, f.name).extend(getattr(other, f.name))

    def to_tables(self) -> "Tables":
        return Tables(**{f.name: frame(f.name, getattr(self, f.name)) for f in fields(self)})


@dataclass
class Tables:
    """The extraction results: one DataFrame per table of the contract."""

    articles: pd.DataFrame
    officials: pd.DataFrame
    provinces: pd.DataFrame
    agencies: pd.DataFrame
    legal_documents: pd.DataFrame
    mentions: pd.DataFrame
    errors: pd.DataFrame

    def items(self):
        return [(name, getattr(self, name)) for name in TABLE_NAMES]

    def summary(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.items()}

    @classmethod
    def empty(cls) -> "Tables":
        return Rows().to_tables()
