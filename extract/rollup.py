"""Roll-up across an archive: one row per distinct official, agency, province and legal document.

    from extract.rollup import rollup, rollup_folder
    entities = rollup(tables)              # in-memory Tables -> {"entity_officials": DataFrame, ...}
    entities = rollup_folder("results/")   # a results folder of `vnextract extract`, batch by batch

Tables (also written by ``vnextract extract`` as ``<name>.csv`` / ``.parquet``):

- ``entity_officials``: one row per distinct official (the same-person rule
  is :mod:`extract.people`): ``official_id``, ``name`` (the spelling seen in
  most articles), the position seen in most articles (``title``,
  ``organization``, ``province``), ``positions`` (every position with the
  dates it was seen, as text), ``n_positions``, ``first_seen``,
  ``last_seen``, ``n_articles``, ``mentions``, ``ambiguous``;
- ``entity_official_positions``: one row per official × position, with
  ``first_seen``, ``last_seen``, ``n_articles``: the positions as data;
- ``entity_agencies``: one row per agency name and province;
- ``entity_provinces``: one row per province (as named at the time);
- ``entity_legal_documents``: one row per cited document (by its number
  folded, else by type and name for laws cited by name); ``n_articles`` is
  how many articles cite it.

Dates are the ``published`` dates (ISO, the day) of the articles an entity
was seen in; null when none of them has one. ``n_articles`` counts
articles, ``mentions`` adds up the mentions in them. Names and the other
values show the form seen in most articles. Rows are sorted by
``n_articles``, most first.

The roll-up keeps one small record per distinct entity (per distinct name
and positions for officials), never the rows: :class:`RollUp` takes the
tables one batch at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd
import pyarrow as pa

from .normalize import fold
from .people import Position, collapse, group_people
from .tables import Tables

ROLLUP_TABLES = ("articles", "officials", "provinces", "agencies", "legal_documents")
"""The tables the roll-up reads."""
ENTITY_TABLES = ("entity_officials", "entity_official_positions", "entity_agencies", "entity_provinces",
                 "entity_legal_documents")
SEEN_COLUMNS = ["first_seen", "last_seen", "n_articles", "mentions"]
ENTITY_COLUMNS: dict[str, list[str]] = {
    "entity_officials": ["official_id", "name", "title", "organization", "province", "positions",
                         "n_positions", *SEEN_COLUMNS, "ambiguous"],
    "entity_official_positions": ["official_id", "name", "title", "organization", "province", *SEEN_COLUMNS],
    "entity_agencies": ["agency", "parent", "province", "kind", *SEEN_COLUMNS],
    "entity_provinces": ["province", "province_2025", "code", "code_2025", *SEEN_COLUMNS],
    "entity_legal_documents": ["doc_type", "number", "title", "issuer", "issue_date", *SEEN_COLUMNS],
}

Frame = pd.DataFrame | pa.Table


@dataclass
class Seen:
    """In how many articles, with how many mentions, and between which dates something was seen."""

    n_articles: int = 0
    mentions: int = 0
    first: dt.date | None = None
    last: dt.date | None = None

    def add(self, day: dt.date | None, mentions: int, articles: int = 1) -> None:
        self.n_articles += articles
        self.mentions += mentions
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)

    def merge(self, other: "Seen") -> None:
        self.add(other.first, other.mentions, other.n_articles)
        if other.last is not None:
            self.add(other.last, 0, 0)

    def columns(self) -> dict[str, Any]:
        return {"first_seen": self.first, "last_seen": self.last, "n_articles": self.n_articles,
                "mentions": self.mentions}


@dataclass
class Entity:
    """What the roll-up keeps per distinct thing: when it was seen, and the forms of its values."""

    seen: Seen = field(default_factory=Seen)
    values: dict[str, Counter] = field(default_factory=dict)

    def note(self, **values: Any) -> None:
        for name, value in values.items():
            counter = self.values.get(name)
            if counter is None:
                counter = self.values[name] = Counter()
            if value is not None and value != "":
                counter[value] += 1

    def value(self, name: str) -> Any:
        counter = self.values.get(name)
        return counter.most_common(1)[0][0] if counter else None


def published_day(value: Any) -> dt.date | None:
    """The day of an ``articles.published`` value (ISO text, date or timestamp), or None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


class RollUp:
    """Accumulates entities from the tables of one batch (or of everything) at a time."""

    def __init__(self) -> None:
        self.fold = lru_cache(maxsize=1 << 16)(fold)  # names repeat across articles; one cache per roll-up
        self.provinces: dict[str, Entity] = {}
        self.agencies: dict[tuple[str, str], Entity] = {}
        self.documents: dict[tuple[str, ...], Entity] = {}
        self.observations: dict[tuple[str, frozenset[Position]], Entity] = {}
        self.positions: dict[tuple[str, frozenset[Position]], dict[Position, Counter]] = {}

    def add(self, tables: Mapping[str, Frame]) -> None:
        """Add one batch's ``articles``, ``officials``, ``provinces``, ``agencies``, ``legal_documents``."""
        days = {r["article_id"]: published_day(r.get("published")) for r in _records(tables.get("articles"))}
        fold = self.fold
        self._add_simple(tables.get("provinces"), days, self.provinces,
                         lambda r: fold(r["province"] or "") or None,
                         lambda r: {k: r.get(k) for k in ("province", "province_2025", "code", "code_2025")})
        self._add_simple(tables.get("agencies"), days, self.agencies,
                         lambda r: (fold(r["agency"]), fold(r.get("province") or "")) if r.get("agency") else None,
                         lambda r: {k: r.get(k) for k in ("agency", "parent", "province", "kind")})
        self._add_simple(tables.get("legal_documents"), days, self.documents, lambda r: _document_key(r, fold),
                         lambda r: {k: r.get(k) for k in ("doc_type", "number", "title", "issuer", "issue_date")})
        self._add_officials(tables.get("officials"), days)

    def _add_simple(self, frame: Frame | None, days: dict, store: dict, key: Callable, values: Callable) -> None:
        per_article: dict[tuple, int] = {}
        for row in _records(frame):
            k = key(row)
            if k is None:
                continue
            entity = store.setdefault(k, Entity())
            entity.note(**values(row))
            article = (k, row["article_id"])
            per_article[article] = per_article.get(article, 0) + int(row.get("mentions") or 0)
        for (k, article_id), mentions in per_article.items():
            store[k].seen.add(days.get(article_id), mentions)

    def _add_officials(self, frame: Frame | None, days: dict) -> None:
        seen: dict[tuple[str, str], dict] = {}  # (article, folded name) -> names, positions, mentions
        for row in _records(frame):
            name = row.get("name")
            if not name:
                continue
            key = (row["article_id"], self.fold(name))
            obs = seen.get(key)
            if obs is None:
                obs = seen[key] = {"names": Counter(), "positions": {}, "mentions": 0}
            obs["names"][name] += 1
            position = Position(*(self.fold(row.get(k) or "") for k in ("title", "organization", "province")))
            shown = (row.get("title"), row.get("organization"), row.get("province"))
            obs["positions"].setdefault(position, shown)
            obs["mentions"] = max(obs["mentions"], int(row.get("mentions") or 0))
        for (article_id, folded), obs in seen.items():
            key = (folded, frozenset(obs["positions"]))
            entity = self.observations.setdefault(key, Entity())
            entity.seen.add(days.get(article_id), obs["mentions"])
            entity.note(name=obs["names"].most_common(1)[0][0])
            shown = self.positions.setdefault(key, {})
            for position, values in obs["positions"].items():
                shown.setdefault(position, Counter())[values] += 1

    # --- the tables ----------------------------------------------------------------------------

    def tables(self) -> dict[str, pd.DataFrame]:
        officials, positions = self._officials()
        return {
            "entity_officials": officials,
            "entity_official_positions": positions,
            "entity_agencies": _frame("entity_agencies", self.agencies.values(),
                                      lambda e: {k: e.value(k) for k in ("agency", "parent", "province", "kind")}),
            "entity_provinces": _frame("entity_provinces", self.provinces.values(),
                                       lambda e: {k: e.value(k) for k in ("province", "province_2025", "code",
                                                                          "code_2025")}),
            "entity_legal_documents": _frame("entity_legal_documents", self.documents.values(),
                                             lambda e: {k: e.value(k) for k in ("doc_type", "number", "title",
                                                                                "issuer", "issue_date")}),
        }

    def _officials(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        by_name: dict[str, list[tuple[str, frozenset[Position]]]] = {}
        for key in self.observations:  # in the order first seen
            by_name.setdefault(key[0], []).append(key)
        ordinal = {key: i for i, key in enumerate(self.observations)}
        people = []
        for keys in by_name.values():
            for person in group_people([positions for _, positions in keys]):
                members = [keys[i] for i in person.members]
                people.append({**self._person(members, person.ambiguous),
                               "order": min(ordinal[k] for k in members)})
        people.sort(key=lambda p: (-p["seen"].n_articles, fold(p["name"]), p["order"]))
        officials, rows = [], []
        for number, person in enumerate(people, start=1):
            ranked = sorted(person["positions"].items(), key=lambda kv: (-kv[1][0].n_articles, kv[0]))
            shown = [(counter.most_common(1)[0][0], s) for _, (s, counter) in ranked]
            main = shown[0][0] if shown else (None, None, None)
            officials.append({"official_id": number, "name": person["name"], "title": main[0],
                              "organization": main[1], "province": main[2],
                              "positions": "; ".join(_describe(values, s) for values, s in shown),
                              "n_positions": len(shown), **person["seen"].columns(),
                              "ambiguous": person["ambiguous"]})
            for (title, organization, province), s in shown:
                rows.append({"official_id": number, "name": person["name"], "title": title,
                             "organization": organization, "province": province, **s.columns()})
        return (_typed("entity_officials", officials), _typed("entity_official_positions", rows))

    def _person(self, keys: list[tuple[str, frozenset[Position]]], ambiguous: bool) -> dict:
        listed = collapse(p for _, positions in keys for p in positions)
        seen, names = Seen(), Counter()
        positions: dict[Position, tuple[Seen, Counter]] = {}
        for key in keys:
            entity = self.observations[key]
            seen.merge(entity.seen)
            names.update(entity.values.get("name", Counter()))
            for position in {listed[p] for p in key[1] if p.informative}:
                positions.setdefault(position, (Seen(), Counter()))[0].merge(entity.seen)
            for position, shown in self.positions[key].items():
                if position.informative and listed[position] == position:
                    positions[position][1].update(shown)
        return {"name": names.most_common(1)[0][0], "seen": seen, "positions": positions,
                "ambiguous": ambiguous}


def _describe(values: tuple, seen: Seen) -> str:
    title, organization, _ = values
    text = ", ".join(v for v in (title, organization) if v)
    if seen.first is not None:
        text += f" ({seen.first.isoformat()}" + (f" – {seen.last.isoformat()})" if seen.last != seen.first else ")")
    return text


def _document_key(row: dict, fold: Callable[[str], str]) -> tuple[str, ...] | None:
    if row.get("number"):
        return ("number", fold(row["number"]))
    if row.get("title"):
        return ("title", fold(row.get("doc_type") or ""), fold(row["title"]))
    return None


def _records(frame: Frame | None) -> list[dict]:
    if frame is None:
        return []
    if isinstance(frame, pd.DataFrame):
        frame = pa.Table.from_pandas(frame, preserve_index=False)
    return frame.to_pylist()


def _frame(name: str, entities: Iterable[Entity], values: Callable[[Entity], dict]) -> pd.DataFrame:
    rows = [{**values(e), **e.seen.columns()} for e in entities]
    rows.sort(key=lambda r: (-r["n_articles"], [fold(str(r[c] or "")) for c in ENTITY_COLUMNS[name][:3]]))
    return _typed(name, rows)


def _typed(name: str, rows: list[dict]) -> pd.DataFrame:
    columns = ENTITY_COLUMNS[name]
    df = pd.DataFrame(rows, columns=columns)
    for column in ("official_id", "n_positions", "n_articles", "mentions"):
        if column in df.columns:
            df[column] = df[column].astype("Int64")
    for column in ("first_seen", "last_seen"):
        df[column] = df[column].astype(object).where(df[column].notna(), None)
    return df


def rollup_batches(batches: Iterable[Mapping[str, Frame]]) -> dict[str, pd.DataFrame]:
    """The roll-up tables of tables given batch by batch (each batch: its own articles and rows)."""
    accumulator = RollUp()
    for batch in batches:
        accumulator.add(batch)
    return accumulator.tables()


def rollup(tables: Tables) -> dict[str, pd.DataFrame]:
    """The roll-up tables of in-memory :class:`~extract.tables.Tables`."""
    return rollup_batches([{name: getattr(tables, name) for name in ROLLUP_TABLES}])


def rollup_folder(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The roll-up tables of a results folder of ``vnextract extract``, read part by part."""
    from .manifest import Manifest
    from .parts import PartStore

    store = PartStore(Path(out_dir))
    if not (store.root / "manifest.sqlite").is_file():
        raise FileNotFoundError(f"{out_dir} has no parts/manifest.sqlite (not written by vnextract extract)")
    with Manifest(store.root) as manifest:
        return rollup_batches(store.batches(ROLLUP_TABLES, manifest.sequence()))
