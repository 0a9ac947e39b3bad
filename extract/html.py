"""One saved or fetched news page to one article record.

:class:`HtmlParser` reads each field through a fallback chain, like
trafilatura: JSON-LD, then meta tags, then the site profile's selectors
(``models/site_profiles.json``), then generic selectors; the body comes
from the profile's body selector, else from trafilatura. Two fields put a
site profile first: the title (the headline as displayed; JSON-LD and
og:title often carry an SEO variant) and the lead (the page's sapo;
descriptions are often truncated). The profile is chosen by the page's canonical URL, then its
``og:site_name``, and only then by the URL it was fetched from, so a page
served from a local test server parses like the original.

A page without an article (a section listing, an empty page) raises
:class:`NoArticleError`. A page is an article when the profile's body
selector matches, or when it carries article metadata (a JSON-LD article,
a publication-date meta tag), or, failing both, when it declares no other
``og:type`` and holds a block of at least three paragraphs: listings
scatter their teasers one per item container, and many CMSs tag section
pages ``og:type=article`` too. Its body must also have some text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from .html_authors import AuthorCleaner, fold
from .html_charset import decode_html
from .html_dates import parse_iso_date, parse_page_date
from .html_metadata import PageMetadata, read_metadata, unescape
from .html_profiles import SiteProfile, SiteProfiles
from .html_text import clean_line, drop_elements, element_paragraphs, generic_paragraphs, is_inside
from .normalize import normalize_text

__all__ = ["HtmlParser", "NoArticleError", "Page", "decode_html"]

MIN_BODY_CHARS = 80            # shorter bodies are no article
MIN_PARAGRAPH_CHARS = 40       # shorter <p> are captions, bylines, buttons
MIN_BLOCK_PARAGRAPHS = 3       # without metadata or profile, an article needs a block of paragraphs this big
MIN_BLOCK_CHARS = 400
MAX_BOILERPLATE_CHARS = 60     # boilerplate lines ("Tin cùng chuyên mục") are shorter
NODES_PER_SELECTOR = 5         # candidate nodes tried per date selector
RECORD_FIELDS = ("id", "url", "source", "title", "published", "author", "category", "lead", "text")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # lxml refuses them
_HAS_BLOCKS = "boolean(.//p | .//div | .//ul | .//table | .//h2 | .//h3)"
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:]|::)\s+")


class NoArticleError(ValueError):
    """The page holds no article: a listing, an error page, an empty document."""


@dataclass(frozen=True)
class Page:
    """An article read from one HTML page."""

    url: str | None
    source: str | None
    title: str | None
    published: str | None
    author: str | None
    category: str | None
    lead: str | None
    text: str

    def to_record(self, article_id: str) -> dict:
        """The input record of the pipeline (``docs/tables.md``), text normalised."""
        record = {"id": article_id, "url": self.url, "source": self.source, "published": self.published}
        for name in ("title", "author", "category", "lead", "text"):
            value = getattr(self, name)
            record[name] = normalize_text(value) if value else value
        return {name: record[name] for name in RECORD_FIELDS}

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return (f"Page(url={self.url!r}, source={self.source!r}, title={self.title!r}, "
                f"published={self.published!r}, author={self.author!r}, category={self.category!r}, "
                f"text={shown!r} ({len(self.text)} chars))")


class HtmlParser:
    """Parses article pages with the site profiles loaded once."""

    def __init__(self, profiles_path: Path | None = None):
        self.profiles = SiteProfiles.load(profiles_path)
        self.authors = AuthorCleaner(self.profiles.author_rules)

    def __repr__(self) -> str:
        return f"HtmlParser({len(self.profiles.sites)} site profiles from {self.profiles.path})"

    def parse(self, html: str | bytes, url: str | None = None) -> Page:
        """The article of ``html`` (fetched from ``url``, if known); raises :class:`NoArticleError`."""
        text = decode_html(html) if isinstance(html, (bytes, bytearray)) else unicodedata.normalize("NFC", html)
        doc = _document(text)
        meta = read_metadata(doc)
        page_url, profile = self._identify(meta, url)
        source = _host(page_url) or (profile.domain if profile else None)
        profiles = [p for p in (profile, self.profiles.generic) if p is not None]
        site_names = _site_names(meta, profile, source)

        used: list[HtmlElement] = []   # nodes the fields were read from: not body text
        title = _first(_strip_site_suffix(t, site_names) for t in
                       chain(self._select_texts(doc, profiles[:-1], "title", used), (meta.title, meta.og_title),
                             self._select_texts(doc, profiles[-1:], "title", used)))
        published = self._published(doc, meta, profiles, used)
        author = self._author(doc, meta, profiles, site_names, used)
        category = _first(_first_section(s) for s in
                          chain((meta.section, meta.section_meta), self._select_texts(doc, profiles, "category", used)))
        lead = _first(chain(self._select_texts(doc, profiles[:-1], "lead", used),
                            (meta.description, meta.og_description, meta.meta_description),
                            self._select_texts(doc, profiles[-1:], "lead", used)))
        where = page_url or "the page"
        body_element = self._body_element(doc, profile)
        if body_element is None:
            _check_is_article(doc, meta, where)
        lines = self._body_lines(doc, body_element, profile, used)
        body = "\n".join(self._without_boilerplate(lines, title, lead))
        if len(body) < MIN_BODY_CHARS:
            raise NoArticleError(f"no article body on {where} ({len(body)} characters of text)")
        return Page(url=page_url, source=source, title=title, published=published, author=author,
                    category=category, lead=lead, text=body)

    def _identify(self, meta: PageMetadata, url: str | None) -> tuple[str | None, SiteProfile | None]:
        """The page's URL and site profile: by its canonical URL or og:url, then og:site_name, then ``url``."""
        own_url = _absolute(meta.canonical_url, url) or _absolute(meta.og_url, url)
        profile = (self.profiles.for_host(_host(own_url)) or self.profiles.for_site_name(meta.site_name)
                   or self.profiles.for_host(_host(url)))
        return own_url or url, profile

    def _select(self, doc: HtmlElement, profiles: Iterable[SiteProfile], field: str) -> Iterator[list]:
        """For each selector of ``field``, in order, the non-empty list of what it selects."""
        for profile in profiles:
            for path in getattr(profile, field):
                try:
                    found = doc.xpath(path)
                except etree.XPathError:
                    continue
                found = found if isinstance(found, list) else [found]
                found = [item for item in found if clean_line(_node_text(item))]
                if found:
                    yield found

    def _select_texts(self, doc: HtmlElement, profiles: list[SiteProfile], field: str,
                      used: list[HtmlElement]) -> Iterator[str]:
        for found in self._select(doc, profiles, field):
            used.extend(item for item in found[:1] if isinstance(item, HtmlElement))
            yield clean_line(_node_text(found[0]))

    def _published(self, doc: HtmlElement, meta: PageMetadata, profiles: list[SiteProfile],
                   used: list[HtmlElement]) -> str | None:
        for value in (meta.published, meta.published_meta):
            if iso := _metadata_date(value):
                return iso
        for found in self._select(doc, profiles, "published"):
            for item in found[:NODES_PER_SELECTOR]:
                if iso := parse_page_date(_node_text(item)):
                    if isinstance(item, HtmlElement):
                        used.append(item)
                    return iso
        return None

    def _author(self, doc: HtmlElement, meta: PageMetadata, profiles: list[SiteProfile], site_names: list[str],
                used: list[HtmlElement]) -> str | None:
        for bylines in (meta.authors, meta.authors_meta):
            if author := self.authors.clean(bylines, site_names):
                return author
        for found in self._select(doc, profiles, "author"):
            if author := self.authors.clean((_node_text(item) for item in found), site_names):
                used.extend(item for item in found if isinstance(item, HtmlElement))
                return author
        return None

    def _body_element(self, doc: HtmlElement, profile: SiteProfile | None) -> HtmlElement | None:
        """The element the site's (or the generic) body selectors point at, if any."""
        profiles = [p for p in (profile, self.profiles.generic) if p is not None]
        return next((found[0] for found in self._select(doc, profiles, "body")
                     if isinstance(found[0], HtmlElement)), None)

    def _body_lines(self, doc: HtmlElement, body: HtmlElement | None, profile: SiteProfile | None,
                    used: list[HtmlElement]) -> list[str]:
        """Paragraphs of ``body`` without its boilerplate; of the whole page by trafilatura without a body."""
        removals = (*(profile.remove if profile else ()), *self.profiles.generic.remove)
        if body is None:
            drop_elements(doc, removals)
            return generic_paragraphs(doc)
        for node in used:
            if node.getparent() is not None and is_inside(node, body):
                node.drop_tree()
        drop_elements(doc, removals, within=body)
        return element_paragraphs(body)

    def _without_boilerplate(self, lines: list[str], title: str | None, lead: str | None) -> list[str]:
        """``lines`` without boilerplate lines, repeats, and the title or lead repeated at the top."""
        skip = {fold(t) for t in (title, lead) if t}
        longest = max((len(t) for t in (title, lead) if t), default=0) + MAX_BOILERPLATE_CHARS
        kept: list[str] = []
        for line in lines:
            if kept and line == kept[-1]:
                continue
            if len(line) <= longest:   # longer lines are neither boilerplate nor the title or lead
                key = fold(line)
                if not key or key in self.profiles.boilerplate_lines or (not kept and key in skip):
                    continue
            kept.append(line)
        return kept


def _check_is_article(doc: HtmlElement, meta: PageMetadata, where: str) -> None:
    """Without a profile body, a page is an article if its metadata says so, or if it has a
    block of paragraphs and does not declare another og:type; raises :class:`NoArticleError`."""
    if meta.is_article or _metadata_date(meta.published_meta):
        return
    if meta.og_type and meta.og_type != "article":
        raise NoArticleError(f"{where} is no article: og:type {meta.og_type!r}, no article metadata, "
                             "no profile body")
    paragraphs, characters = _largest_paragraph_block(doc)
    if paragraphs < MIN_BLOCK_PARAGRAPHS or characters < MIN_BLOCK_CHARS:
        raise NoArticleError(f"{where} looks like a listing: no article metadata, no profile body, and its "
                             f"largest block of paragraphs has {paragraphs} paragraphs, {characters} characters")


def _metadata_date(value: str | None) -> str | None:
    return (parse_iso_date(value) or parse_page_date(value)) if value else None


def _document(text: str) -> HtmlElement:
    text = _CONTROL_CHARACTERS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        raise NoArticleError("empty page")
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise NoArticleError(f"unreadable page: {error}") from None
    return doc


def _node_text(item: object) -> str:
    if isinstance(item, HtmlElement):
        return unescape(item.text_content())
    return unescape(str(item))


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _absolute(href: str | None, base: str | None) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    return urljoin(base, href) if base else href if urlsplit(href).netloc else None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host or None


def _site_names(meta: PageMetadata, profile: SiteProfile | None, source: str | None) -> list[str]:
    names = [meta.site_name, meta.publisher, *(profile.names if profile else ())]
    for host in {source, profile.domain if profile else None} - {None}:
        names += [host, host.split(".")[0]]
    return [n for n in names if n]


def _strip_site_suffix(title: str | None, site_names: list[str]) -> str | None:
    """ "Tin kinh doanh - VnExpress Kinh Doanh" → "Tin kinh doanh"."""
    if not title:
        return None
    title = clean_line(title)
    keys = [k for k in map(fold, site_names) if len(k) >= 3]
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        suffix = fold(parts[-1])
        if suffix and any(suffix == k or (len(suffix) >= 4 and (suffix.startswith(k) or k.startswith(suffix)))
                          for k in keys):
            return clean_line(title[: title.rfind(parts[-1])].rstrip(" -|–—:"))
    return title or None


def _first_section(section: str | None) -> str | None:
    """ "Thời sự,Chính trị" → "Thời sự": the top-level section."""
    return clean_line(section.split(",")[0]) or None if section else None


def _largest_paragraph_block(doc: HtmlElement) -> tuple[int, int]:
    """(paragraphs, characters) of the element with the most text in direct paragraph children.

    An article body is such a block; a listing scatters one teaser per item
    container. Paragraphs are ``<p>`` and leaf ``<div>`` children that are
    not mostly link text.
    """
    best = (0, 0)
    for element in doc.iter():
        sizes = [_paragraph_size(child) for child in element
                 if child.tag == "p" or (child.tag == "div" and not child.xpath(_HAS_BLOCKS))]
        sizes = [size for size in sizes if size >= MIN_PARAGRAPH_CHARS]
        if sum(sizes) > best[1]:
            best = (len(sizes), sum(sizes))
    return best


def _paragraph_size(element: HtmlElement) -> int:
    size = len(clean_line(element.text_content()))
    linked = sum(len(clean_line(a.text_content())) for a in element.iter("a"))
    return 0 if linked * 2 > size else size
