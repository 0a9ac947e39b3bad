"""What a page says about itself: JSON-LD and ``<meta>`` tags.

:func:`read_metadata` collects, without judging them, the values that the
parser's fallback chains start from: the first JSON-LD article node
(``NewsArticle``, ``Article``, ``ReportageNewsArticle``…, found in plain
objects, arrays, ``@graph`` lists and ``mainEntity``) and the Open Graph,
``article:*`` and classic meta tags.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass
from typing import Iterator

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BackgroundNewsArticle",
    "OpinionNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "Report", "TechArticle",
})
PERSON_TYPES = frozenset({"Person"})
PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "dc.date.issued", "dcterms.issued", "sailthru.date")
AUTHOR_META = ("article:author", "og:article:author", "dable:author", "author", "dc.creator")

_TRAILING_COMMAS = re.compile(r",\s*([}\]])")


@dataclass(frozen=True)
class PageMetadata:
    """Raw metadata of one page; every field may be None or empty."""

    canonical_url: str | None = None
    og_url: str | None = None
    og_type: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    is_article: bool = False          # a JSON-LD article node was found
    title: str | None = None          # JSON-LD headline
    og_title: str | None = None
    published: str | None = None      # JSON-LD datePublished
    published_meta: str | None = None
    authors: tuple[str, ...] = ()     # JSON-LD authors that are people (or untyped)
    authors_meta: tuple[str, ...] = ()
    section: str | None = None        # JSON-LD articleSection
    section_meta: str | None = None
    description: str | None = None    # JSON-LD description
    og_description: str | None = None
    meta_description: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def read_metadata(doc: HtmlElement) -> PageMetadata:
    """JSON-LD and meta-tag values of ``doc``."""
    meta = _meta_tags(doc)
    article = next(_article_nodes(doc), {})
    canonical = doc.xpath("string(//link[translate(@rel,'CANONICAL','canonical')='canonical'][1]/@href)").strip()
    return PageMetadata(
        canonical_url=canonical or None,
        og_url=meta.get("og:url"),
        og_type=(meta.get("og:type") or "").lower() or None,
        site_name=meta.get("og:site_name"),
        publisher=_name(article.get("publisher")),
        is_article=bool(article),
        title=_text(article.get("headline") or article.get("name")),
        og_title=meta.get("og:title") or meta.get("twitter:title"),
        published=_text(article.get("datePublished") or article.get("dateCreated")),
        published_meta=next((meta[key] for key in PUBLISHED_META if meta.get(key)), None),
        authors=tuple(_people(article.get("author"))),
        authors_meta=tuple(meta[key] for key in AUTHOR_META if meta.get(key)),
        section=_first(article.get("articleSection")),
        section_meta=meta.get("article:section"),
        description=_text(article.get("description")),
        og_description=meta.get("og:description") or meta.get("twitter:description"),
        meta_description=meta.get("description"),
    )


def unescape(text: str) -> str:
    """Undo HTML entities, even when a CMS escaped them twice ("&amp;#7871;" → "ế")."""
    for _ in range(3):
        if "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(unescape(value).split())
    return value or None


def _meta_tags(doc: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in doc.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = _clean(element.get("content"))
        if key and value:
            tags.setdefault(key.strip().lower(), value)
    for element in doc.xpath("//time[@itemprop='datePublished'][@datetime]"):
        tags.setdefault("datepublished", element.get("datetime"))
    return tags


def _json_ld(doc: HtmlElement) -> Iterator[object]:
    for script in doc.xpath("//script[translate(@type,'LDJSON','ldjson')='application/ld+json']"):
        source = (script.text or "").strip()
        if not source:
            continue
        try:
            yield json.loads(source, strict=False)
        except ValueError:
            try:
                yield json.loads(_TRAILING_COMMAS.sub(r"\1", source), strict=False)
            except ValueError:
                continue


def _nodes(value: object) -> Iterator[dict]:
    """Every object of a JSON-LD document, depth first, through arrays, @graph and mainEntity."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(value.get(key), (list, dict)):
                yield from _nodes(value[key])


def _types(node: dict) -> set[str]:
    value = node.get("@type", ())
    types = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {t.rsplit("/", 1)[-1] for t in types if isinstance(t, str)}


def _article_nodes(doc: HtmlElement) -> Iterator[dict]:
    for document in _json_ld(doc):
        for node in _nodes(document):
            if _types(node) & ARTICLE_TYPES:
                yield node


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return _clean(value) if isinstance(value, str) else None


def _first(value: object) -> str | None:
    text = _text(value)
    return _clean(text.split(",")[0]) if text else None


def _name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _people(value: object) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            name = _clean(item)
        elif isinstance(item, dict) and (not _types(item) or _types(item) & PERSON_TYPES):
            name = _text(item.get("name"))
        else:
            continue
        if name:
            yield name
