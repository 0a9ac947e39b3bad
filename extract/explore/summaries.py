"""Summaries of an archive's tables for analysts: plain DataFrames, one question each.

Counts are of distinct articles unless a column says ``mentions``. A name
is counted as one person across articles: two officials with the same
name are not told apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..tables import Tables

KINDS = ("official", "agency", "province", "legal_document")
"""The ``mentions.kind`` values, in the order the charts show them."""


def published_dates(articles: pd.DataFrame) -> pd.Series:
    """Each article's publication time (local wall-clock time, time zone dropped), by article_id.

    Only ISO 8601 values are read (the contract's format); anything else is NaT.
    """
    times = [_local_time(value) for value in articles["published"].tolist()]
    return pd.Series(pd.DatetimeIndex(times), index=articles["article_id"].astype(str), name="published")


def _local_time(value: object) -> pd.Timestamp:
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
    elif isinstance(value, dt.date):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and value.strip():
        try:
            stamp = pd.Timestamp(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            return pd.NaT
    else:
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _per_article(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per (key, article): ``mentions`` is repeated on an official's position rows."""
    df = df.dropna(subset=[key])
    return df.groupby([key, "article_id"], as_index=False, sort=False)["mentions"].max()


def _joined(values: pd.Series, limit: int = 5) -> str:
    """The most frequent distinct values, most frequent first, joined with "; "."""
    counts = values.dropna().astype(str).value_counts()
    shown = list(counts.index[:limit])
    more = len(counts) - len(shown)
    return "; ".join(shown) + (f"; … ({more} more)" if more > 0 else "")


def top_officials(tables: Tables, n: int = 20) -> pd.DataFrame:
    """Officials in the most articles: name, articles, mentions, positions (most frequent first), provinces."""
    officials = tables.officials
    counts = _per_article(officials, "name")
    ranking = counts.groupby("name").agg(articles=("article_id", "nunique"), mentions=("mentions", "sum"))
    positions = officials.assign(position=[
        f"{title}, {org}" if isinstance(org, str) and org else str(title)
        for title, org in zip(officials["title"], officials["organization"])])
    ranking["positions"] = positions.groupby("name")["position"].agg(_joined)
    ranking["provinces"] = officials.groupby("name")["province"].agg(_joined)
    return _top(ranking, n, "name")


def top_agencies(tables: Tables, n: int = 20) -> pd.DataFrame:
    """Agencies in the most articles: agency, articles, mentions, parent, kind (when known)."""
    agencies = tables.agencies
    ranking = _per_article(agencies, "agency").groupby("agency").agg(
        articles=("article_id", "nunique"), mentions=("mentions", "sum"))
    ranking["parent"] = agencies.groupby("agency")["parent"].agg(_joined)
    if "kind" in agencies.columns:
        ranking["kind"] = agencies.groupby("agency")["kind"].agg(_joined)
    return _top(ranking, n, "agency")


def top_provinces(tables: Tables, n: int = 20) -> pd.DataFrame:
    """Provinces (as named at the time) in the most articles, with the 2025 province holding them."""
    provinces = tables.provinces
    ranking = _per_article(provinces, "province").groupby("province").agg(
        articles=("article_id", "nunique"), mentions=("mentions", "sum"))
    ranking["province_2025"] = provinces.groupby("province")["province_2025"].agg(_joined)
    return _top(ranking, n, "province")


def _top(ranking: pd.DataFrame, n: int, key: str) -> pd.DataFrame:
    ranking = ranking.reset_index().rename(columns={"index": key})
    ranking = ranking.sort_values(["articles", "mentions", key], ascending=[False, False, True], kind="stable")
    return ranking.head(n).reset_index(drop=True).astype({"articles": "int64", "mentions": "int64"})


def cited_documents(tables: Tables, n: int = 20) -> pd.DataFrame:
    """The most-cited legal documents, and when the archive cites them first and last.

    ``document`` is the type and number ("Nghị quyết 18-NQ/TW"), or the type
    and title for a law cited by name ("Luật An ninh mạng"). ``first_seen``
    and ``last_seen`` are the earliest and latest publication times of the
    citing articles, NaT when none of them has a date; ``undated`` counts
    citing articles without one.
    """
    docs = tables.legal_documents.copy()
    columns = ["document", "doc_type", "number", "title", "issue_date", "issuer", "articles", "mentions",
               "first_seen", "last_seen", "undated"]
    if docs.empty:
        return pd.DataFrame(columns=columns)
    ident = docs["number"].where(docs["number"].notna(), docs["title"])
    docs["document"] = docs["doc_type"].fillna("").astype(str) + " " + ident.fillna("").astype(str)
    docs["document"] = docs["document"].str.strip()
    docs = docs[docs["document"] != ""]
    docs["published"] = docs["article_id"].astype(str).map(published_dates(tables.articles))
    grouped = docs.groupby("document")
    ranking = pd.DataFrame({
        "doc_type": grouped["doc_type"].first(),
        "number": grouped["number"].first(),
        "title": grouped["title"].first(),
        "issue_date": grouped["issue_date"].first(),
        "issuer": grouped["issuer"].agg(_joined),
        "articles": grouped["article_id"].nunique(),
        "mentions": _per_article(docs, "document").groupby("document")["mentions"].sum(),
        "first_seen": grouped["published"].min(),
        "last_seen": grouped["published"].max(),
        "undated": docs[docs["published"].isna()].groupby("document")["article_id"].nunique(),
    })
    ranking["undated"] = ranking["undated"].fillna(0)
    return _top(ranking.rename_axis("document"), n, "document").astype({"undated": "int64"})[columns]


@dataclass(frozen=True)
class Timeline:
    """Mentions per month and kind, from the articles' publication dates.

    ``counts``: one row per month (a month's first day) from the first to
    the last dated month, columns :data:`KINDS` (mentions) and ``articles``
    (articles published that month). Articles without a date are left out
    and counted in ``undated_articles``.
    """

    counts: pd.DataFrame
    dated_articles: int
    undated_articles: int

    @property
    def note(self) -> str:
        """What the timeline covers, in words, saying how many articles it leaves out for lack of a date."""
        total = self.dated_articles + self.undated_articles
        if total == 0:
            return "There are no articles: no timeline."
        if self.dated_articles == 0:
            if total == 1:
                return "The only article has no publication date: no timeline."
            return f"None of the {total:,} articles has a publication date: no timeline."
        first, last = self.counts.index.min(), self.counts.index.max()
        span = f"{first:%m/%Y}" if first == last else f"{first:%m/%Y} to {last:%m/%Y}"
        text = f"{self.dated_articles:,} of {total:,} articles have a publication date ({span})."
        if self.undated_articles:
            many = self.undated_articles > 1
            text += (f" {self.undated_articles:,} article{'s have' if many else ' has'} no date and"
                     f" {'are' if many else 'is'} left out of the timeline.")
        return text


def monthly_timeline(tables: Tables) -> Timeline:
    """Mentions of each kind per month of publication (see :class:`Timeline`)."""
    published = published_dates(tables.articles)
    dated = published.dropna()
    columns = [*KINDS, "articles"]
    if dated.empty:
        return Timeline(pd.DataFrame(columns=columns, dtype="int64"), 0, int(published.size))
    months = dated.dt.to_period("M")
    mentions = tables.mentions.assign(month=tables.mentions["article_id"].astype(str).map(months)).dropna(
        subset=["month"])
    counts = pd.crosstab(mentions["month"], mentions["kind"]) if not mentions.empty else pd.DataFrame()
    counts = counts.reindex(columns=list(KINDS), fill_value=0)
    counts["articles"] = months.value_counts()
    full = pd.period_range(months.min(), months.max(), freq="M")
    counts = counts.reindex(full, fill_value=0).fillna(0).astype("int64")
    counts.index = full.to_timestamp()
    counts.index.name = "month"
    counts.columns.name = None
    return Timeline(counts[columns], int(dated.size), int(published.size - dated.size))


def cooccurrence(tables: Tables, officials: int = 15, provinces: int = 15, column: str = "province") -> pd.DataFrame:
    """Officials × provinces: in how many articles each pair appears together.

    Rows are the ``officials`` officials and columns the ``provinces``
    provinces in the most articles; ``column`` is ``"province"`` (as named
    at the time) or ``"province_2025"``.
    """
    people = tables.officials[["article_id", "name"]].dropna().drop_duplicates()
    places = tables.provinces[["article_id", column]].dropna().drop_duplicates()
    top_people = people["name"].value_counts().index[:officials]
    top_places = places[column].value_counts().index[:provinces]
    pairs = people[people["name"].isin(top_people)].merge(places[places[column].isin(top_places)], on="article_id")
    table = pd.crosstab(pairs["name"], pairs[column]) if not pairs.empty else pd.DataFrame()
    table = table.reindex(index=list(top_people), columns=list(top_places), fill_value=0).fillna(0).astype("int64")
    table.index.name, table.columns.name = "official", column
    return table


def merger_flows(tables: Tables) -> pd.DataFrame:
    """Provinces as named → the province holding them from 1 July 2025, with articles and mentions.

    ``merged`` is true when the named province is not its 2025 successor.
    """
    provinces = tables.provinces.dropna(subset=["province"])
    columns = ["province", "province_2025", "code", "code_2025", "merged", "articles", "mentions"]
    if provinces.empty:
        return pd.DataFrame(columns=columns)
    keys = ["province", "province_2025"]
    flows = provinces.fillna({"province_2025": ""}).groupby(keys, as_index=False).agg(
        code=("code", "first"), code_2025=("code_2025", "first"),
        articles=("article_id", "nunique"), mentions=("mentions", "sum"))
    flows["merged"] = flows["province"] != flows["province_2025"]
    flows = flows.sort_values(["province_2025", "articles", "province"], ascending=[True, False, True])
    return flows[columns].reset_index(drop=True).astype({"articles": "int64", "mentions": "int64"})


def new_provinces(tables: Tables) -> pd.DataFrame:
    """The 2025 provinces: in how many articles they appear under any name, and which names were used.

    ``predecessors`` lists the names seen with their article counts, most first;
    ``merged`` is true when any of them is not the 2025 name itself.
    """
    provinces = tables.provinces.dropna(subset=["province", "province_2025"])
    columns = ["province_2025", "articles", "mentions", "names", "predecessors", "merged"]
    if provinces.empty:
        return pd.DataFrame(columns=columns)
    flows = merger_flows(tables)
    grouped = provinces.groupby("province_2025")
    result = pd.DataFrame({
        "articles": grouped["article_id"].nunique(),
        "mentions": grouped["mentions"].sum(),
        "names": grouped["province"].nunique(),
        "predecessors": pd.Series({new: ", ".join(f"{p} ({a})" for p, a in zip(g["province"], g["articles"]))
                                   for new, g in flows.groupby("province_2025")}, dtype=object),
        "merged": flows.groupby("province_2025")["merged"].any(),
    }).rename_axis("province_2025").reset_index()
    result = result.sort_values(["articles", "mentions", "province_2025"], ascending=[False, False, True])
    return result[columns].reset_index(drop=True).astype({"articles": "int64", "mentions": "int64", "names": "int64"})
