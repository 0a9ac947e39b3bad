"""Where the crawl goes next: canonical URLs, and the links of sitemaps, feeds and listing pages.

:func:`canonical_url` is the one spelling of a URL the archive knows
(courlan's normalisation: lower-case scheme and host, default port and
fragment dropped, query sorted, tracking parameters such as ``utm_*``,
``fbclid``, ``gclid`` and Zalo's ``zarsrc`` removed); only http(s) URLs
have one.

:func:`read_xml_links` reads a sitemap, a sitemap index, a Google News
sitemap, an RSS 2.0, RSS 1.0 (RDF) or Atom feed, gzip-compressed or not,
and gives its links with the best date each carries (a news publication
date, a feed item's date, a sitemap ``lastmod``) so that ``--since`` can
skip old articles without fetching them.

:func:`read_html_links` sorts the same-site links of a listing page into
article links, pagination of the same listing, and other listings
(sections), with the generic URL shapes of Vietnamese news sites below.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from typing import Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from courlan import normalize_url
from lxml import etree

from ..html_dates import parse_iso_date, to_iso

KINDS = ("seed", "sitemap", "feed", "listing", "pagination", "article")
"""What a queued URL is expected to be. Everything but an article is read for more links."""

EXTRA_TRACKING_PARAMETERS = frozenset({"zarsrc", "utm", "fbclid", "gclid", "gclsrc", "dclid", "_ga", "_gl",
                                       "mc_cid", "mc_eid", "igshid", "yclid", "msclkid", "vnp_source"})
"""Dropped on top of courlan's tracker list (Zalo's ``zarsrc`` is everywhere in Vietnamese links)."""

SKIPPED_EXTENSIONS = frozenset({
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "avif", "mp3", "mp4", "m4a", "webm",
    "avi", "mov", "flv", "wav", "ogg", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "rar", "7z",
    "gz", "tar", "exe", "apk", "dmg", "css", "js", "json", "woff", "woff2", "ttf", "eot", "swf"})
"""Links to files that are no web page."""

NOT_ARTICLE_SEGMENTS = frozenset({"tag", "tags", "tu-khoa", "chu-de", "tac-gia", "author", "authors", "search",
                                  "tim-kiem", "login", "dang-nhap", "dang-ky", "lien-he", "contact", "rss",
                                  "video", "videos", "podcast", "photo", "anh", "emagazine", "infographic"})
"""Path segments of pages that are not articles (tag, author, search, media hubs)."""

_ARTICLE_ID = re.compile(r"\d{5,}")              # ...-102260228093004191.htm, post874982.html, -d538892.html
_SLUG_WORDS = 7                                   # or a slug of at least this many words (sections have fewer)
_PAGE_IN_QUERY = re.compile(r"(?:^|&)(?:page|trang|p|pg|paged|pageindex|pagenumber|pagenum)=\d+(?=&|$)",
                            re.IGNORECASE)
_PAGE_IN_PATH = re.compile(r"(?:/(?:page|trang|p)/\d{1,4}|[-/](?:page|trang|p)-?\d{1,4})(?=/?$|\.\w{2,5}$)",
                           re.IGNORECASE)
_EXTENSION = re.compile(r"\.\w{2,5}$")
_NEXT_WORDS = frozenset({"trang sau", "trang tiếp", "tiếp", "sau", "next", "xem tiếp", "»", "›", ">", ">>"})
_GZIP_MAGIC = b"\x1f\x8b"
_C0_AND_SPACE = "".join(map(chr, range(0x21)))              # stripped around URLs, and tabs and newlines
_TAB_OR_NEWLINE = dict.fromkeys(map(ord, "\t\n\r"))       # removed inside them, as browsers do (WHATWG)
_XML_ROOTS = {"urlset": "sitemap", "sitemapindex": "sitemap", "rss": "feed", "feed": "feed", "rdf": "feed"}
_XML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:[\w-]+:)?(urlset|sitemapindex|rss|feed|rdf)\b",
                        re.IGNORECASE | re.DOTALL)


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read."""


@dataclass(frozen=True)
class Link:
    """A URL to crawl, what it is expected to be, and the date a sitemap or feed gave it (ISO, +07:00)."""

    url: str
    kind: str
    date: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown link kind {self.kind!r} (known: {', '.join(KINDS)})")

    def to_dict(self) -> dict:
        return asdict(self)


# --- URLs -----------------------------------------------------------------------------------


def canonical_url(url: str, base: str | None = None) -> str | None:
    """The canonical spelling of ``url`` (made absolute against ``base``), or None if it is no http(s) URL."""
    url = (url or "").strip(_C0_AND_SPACE).translate(_TAB_OR_NEWLINE)
    if not url:
        return None
    try:
        absolute = urljoin(base, url) if base else url
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        normal = urlsplit(normalize_url(absolute))
    except ValueError:
        return None
    query = "&".join(pair for pair in normal.query.split("&")
                     if pair and pair.split("=", 1)[0].lower() not in EXTRA_TRACKING_PARAMETERS)
    return urlunsplit((normal.scheme, normal.netloc, normal.path or "/", query, ""))


def article_url(page_url: str | None, fetched_url: str) -> str:
    """The canonical URL of an article: the page's own (rel=canonical, og:url) unless it is missing or
    points at a site's home page (some CMSs say so on every page), else the URL it was fetched from."""
    fetched = canonical_url(fetched_url) or fetched_url
    own = canonical_url(page_url, fetched_url) if page_url else None
    if own is None or (urlsplit(own).path == "/" and urlsplit(fetched).path != "/"):
        return fetched
    return own


def site_of(url: str) -> str:
    """The site a URL belongs to: its host (and non-default port) without ``www.``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if port in (None, default) else f"{host}:{port}"


def origin_of(url: str) -> str:
    """``scheme://host[:port]``, where robots.txt lives."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


# --- sitemaps and feeds ---------------------------------------------------------------------


def sniff(content: bytes, content_type: str | None = None) -> str | None:
    """``"xml"`` for a sitemap or feed, ``"html"`` for a web page, None for anything else (binary)."""
    if content.startswith(_GZIP_MAGIC):
        return "xml"
    head = content[:2048]
    if _XML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "xml"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if head.lstrip().startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8")):
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media.endswith(("rss+xml", "atom+xml")):
        return "xml"
    return "html"


def gunzip(data: bytes, limit: int) -> bytes:
    """``data`` decompressed if it is gzip, refusing more than ``limit`` bytes (a zip bomb)."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise DiscoveryError(f"broken gzip data: {error}") from None
    if len(out) > limit:
        raise DiscoveryError(f"gzip data inflates to more than {limit:,} bytes")
    return out


def read_xml_links(content: bytes, url: str, limit: int = 50 << 20) -> tuple[str, list[Link]]:
    """(``"sitemap"`` or ``"feed"``, links) of a sitemap, sitemap index or feed; raises :class:`DiscoveryError`."""
    data = gunzip(content, limit)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False,
                                 remove_comments=True)        # no entities, no network: safe on hostile XML
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise DiscoveryError(f"not readable XML: {error}") from None
    if root is None:
        raise DiscoveryError("empty XML document")
    name = etree.QName(root).localname.lower()
    kind = _XML_ROOTS.get(name)
    if kind is None:
        raise DiscoveryError(f"XML document <{etree.QName(root).localname}> is no sitemap or feed")
    if name == "sitemapindex":
        links = _entries(root, "sitemap", url, "sitemap")
    elif name == "urlset":
        links = _entries(root, "url", url, "article")
    else:
        links = _feed_items(root, url)
    return kind, list(_unique(links))


def _entries(root: etree._Element, tag: str, base: str, kind: str) -> Iterator[Link]:
    for entry in root.iter(f"{{*}}{tag}"):
        loc = _child_text(entry, "loc")
        target = canonical_url(loc, base) if loc else None
        if target:
            date = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
            yield Link(target, kind, parse_date(date))


def _feed_items(root: etree._Element, base: str) -> Iterator[Link]:
    for item in (*root.iter("{*}item"), *root.iter("{*}entry")):
        href = _item_link(item)
        target = canonical_url(href, base) if href else None
        if target:
            date = next(filter(None, (_child_text(item, name) for name in
                                      ("pubDate", "published", "date", "issued", "updated", "modified"))), None)
            yield Link(target, "article", parse_date(date))


def _item_link(item: etree._Element) -> str | None:
    for link in item.findall("{*}link"):
        href = link.get("href")
        if href and link.get("rel", "alternate") == "alternate":
            return href
        if not href and (link.text or "").strip():
            return link.text.strip()
    guid = item.find("{*}guid")
    if guid is not None and guid.get("isPermaLink", "true").lower() != "false" and (guid.text or "").strip():
        return guid.text.strip()
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return about or None


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element.iter(f"{{*}}{name}"):
        text = (child.text or "").strip()
        if text:
            return text
    return None


def parse_date(value: str | None) -> str | None:
    """A sitemap (W3C) or feed (RFC 822) date as ISO 8601 in Vietnam time, or None."""
    if not value:
        return None
    iso = parse_iso_date(value)
    if iso:
        return iso
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return parse_iso_date(moment.isoformat())
    return to_iso(moment)


def _unique(links: Iterator[Link]) -> Iterator[Link]:
    seen: set[str] = set()
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            yield link


# --- listing pages --------------------------------------------------------------------------


def read_html_links(html: str, url: str) -> list[Link]:
    """Same-site links of a listing page: ``article``, ``pagination`` (of this listing), ``listing`` (others)."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = canonical_url(doc.xpath("string(//base/@href)").strip(), url) or url
    page = canonical_url(url) or url
    site, page_key = site_of(page), _listing_key(page)
    links: dict[str, Link] = {}
    for element in doc.xpath("//a[@href] | //link[@rel='next'][@href]"):
        target = canonical_url(element.get("href"), base)
        if not target or target == page or site_of(target) != site or _is_file(target):
            continue
        kind = _link_kind(target, element, page_key)
        if kind and (target not in links or _rank(kind) < _rank(links[target].kind)):
            links[target] = Link(target, kind)
    return list(links.values())


def looks_like_article(url: str) -> bool:
    """Whether the URL has the shape of an article: a long numeric id, or a slug of several words."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    if not segments or any(s.lower() in NOT_ARTICLE_SEGMENTS for s in segments[:-1]):
        return False
    last = _EXTENSION.sub("", segments[-1])
    if _PAGE_IN_PATH.search("/" + segments[-1]):
        return False
    return bool(_ARTICLE_ID.search(last)) or len([w for w in re.split(r"[-_]", last) if w]) >= _SLUG_WORDS


def _link_kind(target: str, element: lxml.html.HtmlElement, page_key: str) -> str | None:
    rel = (element.get("rel") or "").lower().split()
    text = " ".join((element.text_content() or "").split()).lower()
    is_paged = _is_paginated(target)
    if _listing_key(target) == page_key and (is_paged or "next" in rel or text in _NEXT_WORDS):
        return "pagination"
    if looks_like_article(target):
        return "article"
    return "listing"


def _is_paginated(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_PAGE_IN_QUERY.search(parts.query) or _PAGE_IN_PATH.search(parts.path))


def _listing_key(url: str) -> str:
    """The URL of a listing with its page number and extension taken out: page 1 and page 7 share it."""
    parts = urlsplit(url)
    path = _EXTENSION.sub("", _PAGE_IN_PATH.sub("", parts.path)).rstrip("/") or "/"
    query = "&".join(p for p in _PAGE_IN_QUERY.sub("", parts.query).split("&") if p)
    return f"{site_of(url)}{path}?{query}"


def _is_file(url: str) -> bool:
    match = _EXTENSION.search(urlsplit(url).path)
    return bool(match) and match.group()[1:].lower() in SKIPPED_EXTENSIONS


def _rank(kind: str) -> int:
    return {"pagination": 0, "article": 1, "listing": 2}.get(kind, 3)
