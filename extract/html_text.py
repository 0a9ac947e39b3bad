"""Article body text from an HTML element, or from a whole page through trafilatura.

:func:`element_paragraphs` turns a body element chosen by a site profile
into paragraphs: block elements (``p``, ``div``, ``li``, ``h2``, ``tr``…)
and ``<br>`` end a paragraph, inline text is joined, white space folded,
scripts, styles, forms and media skipped. :func:`generic_paragraphs` asks
trafilatura for the main text when no profile selector matches.
"""

from __future__ import annotations

import re
from typing import Iterable

from lxml import etree
from lxml.html import HtmlElement

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
CELL_TAGS = frozenset({"td", "th"})
SKIPPED_TAGS = frozenset({
    "audio", "button", "canvas", "embed", "form", "iframe", "input", "map", "noscript", "object", "option",
    "script", "select", "style", "svg", "template", "textarea", "video",
})
# Elements a removal rule must never drop on a whole page: the page itself and the article's frame.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")


def clean_line(text: str) -> str:
    """One line: invisible characters removed, white space folded."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


def element_paragraphs(element: HtmlElement) -> list[str]:
    """The paragraphs of ``element``'s text, in document order."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = clean_line("".join(buffer))
        if line:
            lines.append(line)
        buffer.clear()

    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag in SKIPPED_TAGS:
                skipping += 1
            if skipping:
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if tag and node.text:
                buffer.append(node.text)
            continue
        if tag in SKIPPED_TAGS:
            skipping -= 1
        if skipping:
            continue
        if tag in BLOCK_TAGS:
            flush()
        elif tag in CELL_TAGS:
            buffer.append(" ")
        if node.tail and node is not element:
            buffer.append(node.tail)
    flush()
    return lines


def is_inside(node: HtmlElement, ancestor: HtmlElement) -> bool:
    """True when ``node`` is a strict descendant of ``ancestor``."""
    return any(parent is ancestor for parent in node.iterancestors())


def drop_elements(doc: HtmlElement, paths: Iterable[str], within: HtmlElement | None = None) -> int:
    """Drop the elements selected by ``paths`` (keeping their tail text); return how many.

    With ``within``, only its descendants are dropped (paths starting with
    ``//`` are searched inside it); without, elements that hold the page or
    an ``<h1>`` are kept, so a loose rule cannot drop the article itself.
    """
    dropped = 0
    for path in paths:
        if within is not None and path.startswith("//"):
            nodes = within.xpath("." + path)      # search the body only: much faster on big pages
        else:
            nodes = doc.xpath(path)
        for node in nodes:
            if not isinstance(node, HtmlElement) or node.getparent() is None:
                continue
            if within is not None and not is_inside(node, within):
                continue
            if within is None and (node.tag in PROTECTED_TAGS or node.find(".//h1") is not None):
                continue
            node.drop_tree()
            dropped += 1
    return dropped


def generic_paragraphs(doc: HtmlElement) -> list[str]:
    """Main text of a whole page by trafilatura (precision-oriented), as paragraphs."""
    import trafilatura  # heavy import, only needed for pages without a matching profile

    text = trafilatura.extract(
        doc,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
        with_metadata=False,
    )
    return [line for line in map(clean_line, (text or "").split("\n")) if line]
