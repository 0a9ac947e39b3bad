"""Score predictions against the gold annotations (../shared/docs/annotation.md).

Gold and predictions are gold-format dicts, one per article::

    {"id", "officials": [{"name", "positions": [{"title", "organization"}]}],
     "provinces": [...], "agencies": [...],
     "legal_documents": [{"type", "number", "date", "issuer", "title"}]}

Scores are micro-averaged over the articles in the gold: predictions for other
articles are ignored, and a gold article with no prediction has all its items
missed. Within an article each list is a set: items with the same comparison
key are counted once (an official's positions are merged).

Comparison keys (:class:`Keys`): :func:`extract.normalize.fold` (NFC, modern
tone marks, case and white space), dashes unified with one space either side
("Bà Rịa-Vũng Tàu" = "Bà Rịa - Vũng Tàu"), and the abbreviations of
``models/lexicons/abbreviations.csv`` expanded as whole tokens.

- provinces: the key, without a leading "tỉnh"/"thành phố" ("TP.HCM" = "Hồ Chí Minh").
- officials: the key of the name.
- agencies: the key of the full name (strict). The lenient score also pairs
  names when one key is the other plus more words (a word-boundary prefix:
  "Sở Y tế" ~ "Sở Y tế Hải Phòng"). Each gold item is matched at most once,
  exact matches first, then the closest in length, in prediction order.
- legal documents: (type, number without a "/YYYY/" year part) when numbered,
  so "40/NĐ-CP" = "40/2013/NĐ-CP"; (type, title) when named.

Precision, recall and F1 are TP/(TP+FP), TP/(TP+FN) and their harmonic mean;
an empty ratio is 1.0 when the kind has neither gold nor predicted items,
else 0.0.

Attribute accuracies, over matched items (``None`` when nothing was compared):

- official_title_accuracy: over every predicted position of every matched
  official, the share whose title equals (by key) the title of some gold
  position of that person.
- official_organization_accuracy: over the same positions, the share whose
  organization equals (by key, null = null) the organization of a gold
  position whose title matched. A position whose title is wrong therefore
  has a wrong organization too: this is the share of predicted positions
  that match one gold position in both title and organization.
- document_date_accuracy: over matched documents, ISO dates equal (null = null).
- document_issuer_accuracy: over matched documents, issuers equal by key
  (null = null). annotation.md lets the extractor infer an issuer from the
  number's issuer code when the article names none, so a predicted issuer
  marked ``issuer_inferred`` also counts right where the gold has null.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from extract.normalize import fold
from extract.resources import models_dir

KINDS = ("provinces", "officials", "agencies", "legal_documents")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_SPACED_DASH = re.compile(r"\s*-\s*")
_UNIT_WORD = re.compile(r"^(?:tỉnh|thành phố)\s+")
_YEAR_PART = re.compile(r"/\d{4}/")


class Keys:
    """Comparison keys for names, provinces and document numbers."""

    def __init__(self, abbreviations: dict[str, str]):
        self.expansions = {_fold(a): _fold(e) for a, e in abbreviations.items() if a.strip()}
        alternatives = []
        for abbreviation in sorted(self.expansions, key=len, reverse=True):
            tail = r"(?!\w)" if re.match(r"\w", abbreviation[-1]) else ""
            alternatives.append(r"(?<!\w)" + re.escape(abbreviation) + tail)
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None
        self.cache: dict[str, str] = {}

    @classmethod
    def from_csv(cls, path: Path) -> "Keys":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return cls({row["abbreviation"]: row["expansion"] for row in csv.DictReader(handle)})

    @classmethod
    def default(cls) -> "Keys":
        return cls.from_csv(models_dir() / "lexicons" / "abbreviations.csv")

    def _expand(self, match: re.Match) -> str:
        expansion = self.expansions[match.group()]
        following = match.string[match.end():match.end() + 1]
        return expansion + " " if re.match(r"\w", following) else expansion

    def name(self, text: Any) -> str | None:
        """The key of a name or title; ``None`` for a missing or blank value."""
        text = _text(text)
        if text is None:
            return None
        if text not in self.cache:
            key = _fold(text)
            if self.pattern is not None:
                key = self.pattern.sub(self._expand, key)
            self.cache[text] = " ".join(key.split())
        return self.cache[text]

    def province(self, text: Any) -> str | None:
        key = self.name(text)
        return None if key is None else _UNIT_WORD.sub("", key)

    def number(self, text: Any) -> str | None:
        """A document number without spaces, a leading "số" or a "/YYYY/" part."""
        text = _text(text)
        if text is None:
            return None
        key = re.sub(r"^số\s*", "", fold(text).translate(_DASHES))
        return _YEAR_PART.sub("/", "".join(key.split()))

    def document(self, doc: dict) -> tuple:
        number = self.number(doc.get("number"))
        if number is not None:
            return ("number", self.name(doc.get("type")), number)
        return ("title", self.name(doc.get("type")), self.name(doc.get("title")))


@dataclass(frozen=True)
class KindScore:
    """Micro-averaged counts and scores for one kind of entity."""

    kind: str
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, kind: str, tp: int, fp: int, fn: int) -> "KindScore":
        nothing = tp + fp + fn == 0
        precision = tp / (tp + fp) if tp + fp else float(nothing)
        recall = tp / (tp + fn) if tp + fn else float(nothing)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(kind, tp, fp, fn, precision, recall, f1)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ItemError:
    """One difference between gold and prediction, for debugging.

    ``error`` is "missed", "spurious", "wrong title", "wrong organization",
    "wrong date" or "wrong issuer"; ``item`` names the entity. A position
    with a wrong title is reported once, as "wrong title", although it also
    counts against the organization accuracy.
    """

    article_id: str
    kind: str
    error: str
    item: str
    predicted: str | None = None
    expected: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Evaluation:
    """Scores per kind, attribute accuracies and the differences found."""

    provinces: KindScore
    officials: KindScore
    agencies: KindScore
    agencies_lenient: KindScore
    legal_documents: KindScore
    official_title_accuracy: float | None
    official_organization_accuracy: float | None
    document_date_accuracy: float | None
    document_issuer_accuracy: float | None
    positions_compared: int
    documents_compared: int
    articles: int
    articles_without_prediction: tuple[str, ...]
    errors: tuple[ItemError, ...]

    def scores(self) -> tuple[KindScore, ...]:
        return (self.provinces, self.officials, self.agencies, self.agencies_lenient, self.legal_documents)

    def errors_by_article(self) -> dict[str, list[ItemError]]:
        grouped: dict[str, list[ItemError]] = {}
        for error in self.errors:
            grouped.setdefault(error.article_id, []).append(error)
        return grouped

    def to_dict(self) -> dict:
        result = asdict(self)
        result["articles_without_prediction"] = list(self.articles_without_prediction)
        result["errors"] = [error.to_dict() for error in self.errors]
        return result

    def report(self) -> str:
        lines = [f"{self.articles} gold articles"
                 + (f", {len(self.articles_without_prediction)} without prediction"
                    if self.articles_without_prediction else ""), "",
                 f"{'kind':<20}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
        for s in self.scores():
            lines.append(f"{s.kind:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
                         f"{s.true_positives:>6}{s.false_positives:>6}{s.false_negatives:>6}")
        lines.append("")
        for label, value, total in (
                ("official title accuracy", self.official_title_accuracy, self.positions_compared),
                ("official organization accuracy", self.official_organization_accuracy, self.positions_compared),
                ("document date accuracy", self.document_date_accuracy, self.documents_compared),
                ("document issuer accuracy", self.document_issuer_accuracy, self.documents_compared)):
            shown = "n/a" if value is None else f"{value:.3f} ({round(value * total)}/{total})"
            lines.append(f"{label:<34}{shown}")
        return "\n".join(lines)


def load_gold(path: Path) -> list[dict]:
    """Read gold (or predictions) from JSON Lines, plain or ``.gz``."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    records, seen = [], set()
    with opener(path, "rt", encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from None
            if not isinstance(record, dict) or "id" not in record:
                raise ValueError(f"{path}:{number}: a record needs an 'id'")
            if str(record["id"]) in seen:
                raise ValueError(f"{path}:{number}: duplicate id {record['id']!r}")
            seen.add(str(record["id"]))
            records.append({"id": str(record["id"]), **{k: record.get(k) or [] for k in KINDS}})
    return records


def predictions_from_tables(tables) -> list[dict]:
    """Gold-format dicts, one per row of ``tables.articles``, from the output tables."""
    ids = [str(i) for i in tables.articles["article_id"]]
    records = {i: {"id": i, **{kind: [] for kind in KINDS}} for i in ids}
    people: dict[tuple[str, str], dict] = {}
    for row in tables.officials.to_dict("records"):
        article, name = _text(row.get("article_id")), _text(row.get("name"))
        if article not in records or name is None:
            continue
        person = people.get((article, name))
        if person is None:
            person = people[(article, name)] = {"name": name, "positions": []}
            records[article]["officials"].append(person)
        position = {"title": _text(row.get("title")), "organization": _text(row.get("organization"))}
        if any(position.values()) and position not in person["positions"]:
            person["positions"].append(position)
    for kind, column in (("provinces", "province"), ("agencies", "agency")):
        for row in getattr(tables, kind).to_dict("records"):
            article, value = _text(row.get("article_id")), _text(row.get(column))
            if article in records and value is not None and value not in records[article][kind]:
                records[article][kind].append(value)
    for row in tables.legal_documents.to_dict("records"):
        article = _text(row.get("article_id"))
        if article in records:
            records[article]["legal_documents"].append({
                "type": _text(row.get("doc_type")), "number": _text(row.get("number")),
                "date": _iso_date(row.get("issue_date")), "issuer": _text(row.get("issuer")),
                "title": _text(row.get("title")), "issuer_inferred": row.get("issuer_inferred") is True})
    return [records[i] for i in ids]


def evaluate(gold: list[dict], predicted: list[dict]) -> Evaluation:
    """Score ``predicted`` against ``gold`` (see the module docstring)."""
    keys = Keys.default()
    predictions: dict[str, dict] = {}
    for record in predicted:
        merged = predictions.setdefault(str(record["id"]), {kind: [] for kind in KINDS})
        for kind in KINDS:
            merged[kind].extend(record.get(kind) or [])
    tally = _Tally()
    for record in gold:
        article = str(record["id"])
        pred = predictions.get(article, {})
        both = {kind: (record.get(kind) or [], pred.get(kind) or []) for kind in KINDS}
        _score_sets(tally, article, "provinces", *(_by_key(items, keys.province) for items in both["provinces"]))
        _score_officials(tally, article, keys, *both["officials"])
        _score_agencies(tally, article, keys, *both["agencies"])
        _score_documents(tally, article, keys, *both["legal_documents"])
    missing = tuple(str(r["id"]) for r in gold if str(r["id"]) not in predictions)
    return tally.evaluation(len(gold), missing)


class _Tally:
    """Counts gathered while scoring the articles one by one."""

    def __init__(self):
        self.counts = {kind: [0, 0, 0] for kind in (*KINDS, "agencies_lenient")}
        self.right = {"title": 0, "organization": 0, "date": 0, "issuer": 0}
        self.positions = self.documents = 0
        self.errors: list[ItemError] = []

    def add(self, kind: str, tp: int, fp: int, fn: int) -> None:
        for i, n in enumerate((tp, fp, fn)):
            self.counts[kind][i] += n

    def error(self, *args) -> None:
        self.errors.append(ItemError(*args))

    def evaluation(self, articles: int, missing: tuple[str, ...]) -> Evaluation:
        def share(name: str, total: int) -> float | None:
            return self.right[name] / total if total else None

        score = {kind: KindScore.from_counts(kind, *counts) for kind, counts in self.counts.items()}
        return Evaluation(
            score["provinces"], score["officials"], score["agencies"], score["agencies_lenient"],
            score["legal_documents"], share("title", self.positions), share("organization", self.positions),
            share("date", self.documents), share("issuer", self.documents),
            self.positions, self.documents, articles, missing, tuple(self.errors))


def _score_sets(tally: _Tally, article: str, kind: str, gold: dict, pred: dict) -> set:
    """Count exact key matches; report misses and spurious items; return the matched keys."""
    matched = gold.keys() & pred.keys()
    tally.add(kind, len(matched), len(pred) - len(matched), len(gold) - len(matched))
    for key, item in gold.items():
        if key not in matched:
            tally.error(article, kind, "missed", item)
    for key, item in pred.items():
        if key not in matched:
            tally.error(article, kind, "spurious", item)
    return matched


def _score_agencies(tally, article, keys: Keys, gold: list, pred: list) -> None:
    gold_keys, pred_keys = _by_key(gold, keys.name), _by_key(pred, keys.name)
    matched = _score_sets(tally, article, "agencies", gold_keys, pred_keys)
    free = [g for g in gold_keys if g not in matched]
    lenient = len(matched)
    for p in (p for p in pred_keys if p not in matched):
        candidates = [g for g in free if _word_prefix(g, p) or _word_prefix(p, g)]
        if candidates:
            free.remove(min(candidates, key=lambda g: abs(len(g) - len(p))))
            lenient += 1
    tally.add("agencies_lenient", lenient, len(pred_keys) - lenient, len(gold_keys) - lenient)


def _score_officials(tally, article, keys: Keys, gold: list, pred: list) -> None:
    gold_people, pred_people = _people(gold, keys), _people(pred, keys)
    names = {k: person["name"] for k, person in gold_people.items()}
    matched = _score_sets(tally, article, "officials", names,
                          {k: person["name"] for k, person in pred_people.items()})
    for key in matched:
        gold_positions = gold_people[key]["positions"]
        for position in pred_people[key]["positions"]:
            title = keys.name(position.get("title"))
            same_title = [g for g in gold_positions if keys.name(g.get("title")) == title]
            organization = keys.name(position.get("organization"))
            tally.positions += 1
            if same_title:
                tally.right["title"] += 1
            else:
                tally.error(article, "officials", "wrong title", names[key], _text(position.get("title")),
                            _join(g.get("title") for g in gold_positions))
            if any(keys.name(g.get("organization")) == organization for g in same_title):
                tally.right["organization"] += 1
            elif same_title:
                tally.error(article, "officials", "wrong organization", names[key],
                            _text(position.get("organization")), _join(g.get("organization") for g in same_title))


def _score_documents(tally, article, keys: Keys, gold: list, pred: list) -> None:
    gold_docs, pred_docs = _by_key(gold, keys.document, keep=True), _by_key(pred, keys.document, keep=True)
    matched = _score_sets(tally, article, "legal_documents",
                          {k: _describe(d) for k, d in gold_docs.items()},
                          {k: _describe(d) for k, d in pred_docs.items()})
    for key in matched:
        g, p = gold_docs[key], pred_docs[key]
        tally.documents += 1
        checks = (("date", _iso_date(p.get("date")), _iso_date(g.get("date")), lambda v: v),
                  ("issuer", _text(p.get("issuer")), _text(g.get("issuer")), keys.name))
        for name, predicted, expected, key_of in checks:
            inferred = name == "issuer" and expected is None and p.get("issuer_inferred") is True
            if key_of(predicted) == key_of(expected) or inferred:
                tally.right[name] += 1
            else:
                tally.error(article, "legal_documents", f"wrong {name}", _describe(g), predicted, expected)


def _people(officials: list, keys: Keys) -> dict[str, dict]:
    """Officials by name key, positions merged and de-duplicated."""
    people: dict[str, dict] = {}
    for official in officials:
        key = keys.name(official.get("name"))
        if key is None:
            continue
        person = people.setdefault(key, {"name": _text(official.get("name")), "positions": []})
        for position in official.get("positions") or []:
            if position not in person["positions"]:
                person["positions"].append(position)
    return people


def _by_key(items: Iterable, key_of: Callable, keep: bool = False) -> dict:
    """The first item per key (its text, or the item itself when ``keep``); blank items dropped."""
    found: dict = {}
    for item in items:
        key = key_of(item)
        if key is not None and key not in found:
            found[key] = item if keep else _text(item)
    return found


def _fold(text: str) -> str:
    """Folded text with every dash written " - "."""
    return _SPACED_DASH.sub(" - ", fold(text).translate(_DASHES))


def _word_prefix(short: str, long: str) -> bool:
    return len(long) > len(short) and long.startswith(short) and long[len(short)] == " "


def _describe(doc: dict) -> str:
    name = " ".join(v for v in (_text(doc.get("type")), _text(doc.get("number")) or _text(doc.get("title"))) if v)
    return name or "?"


def _join(values: Iterable) -> str | None:
    shown = [_text(v) or "null" for v in values]
    return " | ".join(shown) if shown else None


def _text(value: Any) -> str | None:
    """A stripped string, or ``None`` for missing, NaN/NA and blank values."""
    if value is None or (not isinstance(value, (str, list, dict, tuple)) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _iso_date(value: Any) -> str | None:
    """An ISO date string from a string, date, datetime or Timestamp."""
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    text = _text(value)
    if text is not None and re.match(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)", text):
        return text[:10]
    return text
