"""The Extractor: the spaCy pipeline built once; records in, tables out."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import spacy
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories)
from .components import text_of
from . import tokenizer  # noqa: F401  (registers the tokenizer)
from .normalize import normalize_text
from .tables import Rows, Tables

PIPES = ("vn_sentences", "vn_provinces", "vn_titles", "vn_agencies", "vn_legal_documents", "vn_officials")
DEFAULT_MAX_CHARS = 2_000_000


class ArticleError(ValueError):
    """An input record that cannot be extracted (empty, too large, malformed)."""


def article_text(record: dict) -> str:
    """Title, lead and body joined by newlines: the text the pipeline reads, before normalising."""
    body = record.get("text")
    if body is None:
        body = record.get("body")
    parts = [record.get("title"), record.get("lead"), body]
    for part in parts:
        if part is not None and not isinstance(part, str):
            raise ArticleError(f"field must be text, got {type(part).__name__}")
    return "\n".join(p for p in parts if p and p.strip())


def article_id(record: dict) -> str:
    if record.get("id") not in (None, ""):
        return str(record["id"])
    if record.get("url"):
        return hashlib.sha1(str(record["url"]).encode()).hexdigest()[:16]
    raise ArticleError("record has neither an id nor a url")


class Extractor:
    """Load resources and build the pipeline once; turn article records into tables."""

    def __init__(self, models_dir: Path | None = None, max_chars: int = DEFAULT_MAX_CHARS):
        config = {"models_dir": str(models_dir or "")}
        self.nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "vnextract.VietnameseTokenizer.v1"}}})
        for pipe in PIPES:
            self.nlp.add_pipe(pipe, config=config if pipe != "vn_sentences" else {})
        self.max_chars = max_chars

    def doc(self, text: str, published: str | None = None) -> Doc:
        """A spaCy Doc of the normalised ``text``: entities in doc.ents / doc.spans, records in doc._.*"""
        text = normalize_text(text)
        doc = self.nlp.make_doc(text)
        doc._.vn_text = text
        doc._.published = published
        for _, pipe in self.nlp.pipeline:
            doc = pipe(doc)
        return doc

    def process(self, record: dict) -> Rows:
        """Rows of every table for one input record; a bad record gives one ``errors`` row."""
        rows = Rows()
        aid = str(record.get("id") or record.get("url") or "?")
        stage = "validate"
        try:
            aid = article_id(record)
            raw = article_text(record)
            if not raw.strip():
                raise ArticleError("empty article: no title, lead or text")
            if len(raw) > self.max_chars:
                raise ArticleError(f"article too large: {len(raw):,} characters (limit {self.max_chars:,})")
            stage = "extract"
            published = record.get("published") or None
            doc = self.doc(raw, str(published) if published else None)
            add_rows(rows, aid, record, doc)
        except Exception as error:  # one bad article never stops the batch
            rows = Rows(errors=[{"article_id": aid, "stage": stage, "error": f"{type(error).__name__}: {error}"}])
        return rows

    def run(self, records: Iterable, progress: bool = False) -> Tables:
        """Tables for many records; items with ``to_row()`` (read failures) go to ``errors``."""
        if progress:
            from tqdm import tqdm

            records = tqdm(records, unit=" articles", desc="extract")
        rows = Rows()
        for record in records:
            if isinstance(record, dict):
                rows.extend(self.process(record))
            else:
                rows.errors.append(record.to_row())
        return rows.to_tables()


def add_rows(rows: Rows, aid: str, record: dict, doc: Doc) -> None:
    """Append the table rows of one extracted article."""
    text = text_of(doc)
    rows.articles.append({
        "article_id": aid, "url": record.get("url"), "source": record.get("source"), "title": record.get("title"),
        "published": record.get("published"), "author": record.get("author"), "category": record.get("category"),
        "n_chars": len(text), "text_sha1": hashlib.sha1(text.encode()).hexdigest(),
    })
    for p in doc._.provinces:
        rows.provinces.append({"article_id": aid, "province": p.province, "province_2025": p.province_2025,
                               "code": p.code, "code_2025": p.code_2025, "mentions": len(p.mentions)})
        rows.mentions.extend(_mention_rows(aid, "province", p.mentions, p.province))
    for a in doc._.agencies:
        rows.agencies.append({"article_id": aid, "agency": a.name, "parent": a.parent, "province": a.province,
                              "mentions": len(a.mentions), "kind": a.kind})
        rows.mentions.extend(_mention_rows(aid, "agency", a.mentions, a.name))
    for d in doc._.legal_documents:
        rows.legal_documents.append({
            "article_id": aid, "doc_type": d.doc_type, "number": d.number, "issue_date": d.issue_date,
            "issuer": d.issuer, "title": d.title, "mentions": len(d.mentions), "year": d.year,
            "issuer_inferred": d.issuer_inferred})
        rows.mentions.extend(_mention_rows(aid, "legal_document", d.mentions, d.number or d.title))
    for o in doc._.officials:
        province = next((p.province for p in o.positions if p.province), None)
        for position in o.positions:
            rows.officials.append({"article_id": aid, "name": o.name, "title": position.title,
                                   "organization": position.organization, "province": position.province or province,
                                   "mentions": len(o.mentions)})
        rows.mentions.extend(_mention_rows(aid, "official", o.mentions, o.name))


def _mention_rows(aid: str, kind: str, mentions, canonical: str) -> list[dict]:
    return [{"article_id": aid, "kind": kind, "text": m.text, "start": m.start, "end": m.end, "canonical": canonical}
            for m in mentions]
