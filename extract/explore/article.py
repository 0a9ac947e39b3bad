"""One article up close: its text with the entities highlighted (displaCy) and its records beside it.

:func:`article_view` runs the extractor on one input record;
:func:`look_up_article` finds an article of a results folder (or of the
sample) in the inputs it came from, and when its text is not there shows
the rows stored for it instead. An :class:`ArticleView` displays itself as
HTML in a notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd
from matplotlib.figure import Figure
from spacy import displacy

from ..pipeline import add_rows, article_id, article_text
from ..tables import Rows, Tables
from .charts import KIND_COLORS, mention_map_chart
from .results import find_record

if TYPE_CHECKING:
    from ..pipeline import Extractor

KIND_LABELS = {"official": "OFFICIAL", "agency": "AGENCY", "province": "PROVINCE", "legal_document": "LEGAL_DOC"}
"""``mentions.kind`` → the label of the entity in ``doc.ents``."""
ENTITY_COLORS = {KIND_LABELS[kind]: color + "66" for kind, color in KIND_COLORS.items()}
"""displaCy colors: the charts' colors, lightened so that the text stays readable."""
RECORD_TABLES = ("officials", "agencies", "provinces", "legal_documents")


@dataclass(frozen=True)
class ArticleView:
    """An article's highlighted text (``markup``, displaCy HTML, or a note when the text is not
    available) and its rows of every table (``tables``)."""

    article_id: str
    title: str | None
    markup: str
    tables: Tables
    has_text: bool = True

    def records(self) -> dict[str, pd.DataFrame]:
        """The article's officials, agencies, provinces and legal documents, without ``article_id``."""
        return {name: getattr(self.tables, name).drop(columns="article_id") for name in RECORD_TABLES}

    def _repr_html_(self) -> str:
        title = html.escape(self.title or self.article_id)
        records = "".join(
            f"<h4 style='margin:0.8em 0 0.3em'>{name.replace('_', ' ')} ({len(df)})</h4>"
            + (df.to_html(index=False, na_rep="", border=0) if len(df) else "<p><i>none</i></p>")
            for name, df in self.records().items())
        return (
            "<div style='display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start'>"
            f"<div style='flex:3 1 30em;min-width:0'><h3>{title}</h3>"
            f"<p><code>{html.escape(self.article_id)}</code></p>{self.markup}</div>"
            f"<div style='flex:2 1 24em;min-width:0;font-size:0.9em'>{records}</div></div>")


def article_view(extractor: Extractor, record: dict) -> ArticleView:
    """Run ``extractor`` on one input record: its highlighted text and its rows."""
    aid = article_id(record)
    published = record.get("published")
    doc = extractor.doc(article_text(record), str(published) if published else None)
    rows = Rows()
    add_rows(rows, aid, record, doc)
    markup = displacy.render(doc, style="ent", jupyter=False, options={"colors": ENTITY_COLORS}) if doc.ents \
        else f"<div style='white-space:pre-wrap'>{html.escape(doc.text)}</div>"
    return ArticleView(aid, record.get("title"), markup, rows.to_tables())


def busiest_article(tables: Tables) -> str | None:
    """The article with the most mentions (the first article when none has any); None without articles."""
    if tables.articles.empty:
        return None
    counts = tables.mentions["article_id"].astype(str).value_counts()
    ids = tables.articles["article_id"].astype(str)
    return max(ids, key=lambda aid: counts.get(aid, 0))


def stored_view(tables: Tables, article: str, reason: str) -> ArticleView:
    """The rows ``tables`` hold for ``article``, with ``reason`` in place of the highlighted text."""
    rows = {name: df[df["article_id"].astype(str) == article].reset_index(drop=True) for name, df in tables.items()}
    titles = rows["articles"]["title"].dropna()
    note = f"<p style='padding:0.6em;background:#fff3cd'><b>No text to highlight.</b> {html.escape(reason)}</p>"
    return ArticleView(article, titles.iloc[0] if len(titles) else None, note, Tables(**rows), has_text=False)


def look_up_article(tables: Tables, inputs: Iterable[Path], extractor: Extractor,
                    article: str | None = None) -> ArticleView:
    """The view of ``article`` (default: :func:`busiest_article`) from its record in ``inputs``.

    When ``inputs`` do not hold it (a results folder keeps no text), the
    view shows the rows ``tables`` hold for it and says where to point.
    """
    inputs = list(inputs)
    chosen = article if article is not None else busiest_article(tables)
    if chosen is None:
        return stored_view(tables, "", "There are no articles in these tables.")
    record = find_record(inputs, str(chosen)) if inputs else None
    if record is not None:
        return article_view(extractor, record)
    where = ", ".join(map(str, inputs)) if inputs else "no inputs were given"
    known = (tables.articles["article_id"].astype(str) == str(chosen)).any()
    reason = (f"Article {chosen!r} is {'in the tables' if known else 'not in the tables either'}, but its text is "
              f"not in the inputs ({where}). Results folders keep no text: point ARTICLES at the file or "
              "folder the results were extracted from.")
    return stored_view(tables, str(chosen), reason)


def mention_map(view: ArticleView) -> Figure:
    """Where in ``view``'s text each kind of entity is named (see :func:`~.charts.mention_map_chart`)."""
    n_chars = view.tables.articles["n_chars"].dropna()
    return mention_map_chart(view.tables.mentions, int(n_chars.iloc[0]) if len(n_chars) else None)
