"""spaCy pipeline components, one per entity kind, and their factories.

Each component runs one finder over the Doc's text and stores
- the records in a Doc extension (``doc._.provinces``, ``doc._.agencies``,
  ``doc._.legal_documents``, ``doc._.officials``),
- their mentions as spans in ``doc.spans[kind]`` (``span.kb_id_`` is the
  canonical name), which the last component merges into ``doc.ents``.

Components share the intermediate matches through private extensions
(``doc._.vn_titles`` ...), in pipeline order: sentences → provinces → titles
→ agencies → legal_documents → officials.
"""

from __future__ import annotations

import functools

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .agencies import AgencyFinder
from .entities import Mention
from .legal_documents import LegalDocumentFinder
from .officials import OfficialFinder
from .provinces import ProvinceFinder
from .resources import Resources
from .sentences import sentence_starts
from .titles import TitleFinder

for _name in ("published", "provinces", "agencies", "legal_documents", "officials",
              "vn_text", "vn_provinces", "vn_titles", "vn_agencies", "vn_citations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

LABELS = {"provinces": "PROVINCE", "agencies": "AGENCY", "legal_documents": "LEGAL_DOC", "officials": "OFFICIAL",
          "titles": "TITLE"}


@functools.cache
def load_resources(models_dir: str = "") -> Resources:
    """One Resources per models folder and process (components of one pipeline share it)."""
    from pathlib import Path

    return Resources(Path(models_dir) if models_dir else None)


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once per Doc (spaCy rebuilds it from the tokens on every access)."""
    if doc._.vn_text is None:
        doc._.vn_text = doc.text
    return doc._.vn_text


def set_spans(doc: Doc, kind: str, mentions: list[tuple[Mention, str]]) -> None:
    spans = []
    for mention, canonical in mentions:
        span = doc.char_span(mention.start, mention.end, label=LABELS[kind], kb_id=canonical,
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[kind] = spans


class SentenceComponent:
    """Sentence starts from underthesea's splitter: ``doc.sents`` works for display and reading."""

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            starts = numpy.array(sentence_starts(text_of(doc)))
            flags = numpy.where(numpy.isin(doc.to_array([IDX]), starts), 1, -1)
            flags[0] = 1
            doc.from_array([SENT_START], flags.astype("uint64"))
        return doc


class ProvinceComponent:
    def __init__(self, resources: Resources):
        self.finder = ProvinceFinder(resources)

    def __call__(self, doc: Doc) -> Doc:
        matches = self.finder.matches(text_of(doc), doc._.published)
        doc._.vn_provinces = matches
        doc._.provinces = self.finder.to_records(matches)
        set_spans(doc, "provinces", [(m.mention, m.name) for m in matches])
        return doc


class TitleComponent:
    def __init__(self, resources: Resources):
        self.finder = TitleFinder(resources)

    def __call__(self, doc: Doc) -> Doc:
        doc._.vn_titles = self.finder.find(text_of(doc))
        set_spans(doc, "titles", [(t.mention, t.title) for t in doc._.vn_titles])
        return doc


class AgencyComponent:
    def __init__(self, resources: Resources):
        self.finder = AgencyFinder(resources)

    def __call__(self, doc: Doc) -> Doc:
        matches = self.finder.find(text_of(doc), doc._.vn_provinces or [], doc._.vn_titles or [])
        doc._.vn_agencies = matches
        doc._.agencies = self.finder.to_records(matches)
        set_spans(doc, "agencies", [(a.mention, a.name) for a in matches if a.listed])
        return doc


class LegalDocumentComponent:
    def __init__(self, resources: Resources):
        self.finder = LegalDocumentFinder(resources)

    def __call__(self, doc: Doc) -> Doc:
        citations = self.finder.find(text_of(doc), doc._.vn_agencies or [], doc._.vn_titles or [], doc._.published)
        doc._.vn_citations = citations
        doc._.legal_documents = self.finder.to_records(citations)
        set_spans(doc, "legal_documents", [(m, d.number or d.title) for d in doc._.legal_documents
                                           for m in d.mentions])
        return doc


class OfficialComponent:
    def __init__(self, resources: Resources):
        self.finder = OfficialFinder(resources)

    def __call__(self, doc: Doc) -> Doc:
        blocked = [(p.mention.start, p.mention.end) for p in doc._.vn_provinces or []]
        blocked += [(a.start, a.end) for a in doc._.vn_agencies or []]
        doc._.officials = self.finder.find(text_of(doc), doc._.vn_titles or [], doc._.vn_agencies or [], blocked)
        set_spans(doc, "officials", [(m, o.name) for o in doc._.officials for m in o.mentions])
        spans: list[Span] = [s for kind in ("officials", "agencies", "provinces", "legal_documents")
                             for s in doc.spans[kind]]
        doc.ents = filter_spans(spans)
        return doc


@Language.factory("vn_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceComponent:
    return SentenceComponent()


@Language.factory("vn_provinces", default_config={"models_dir": ""})
def make_provinces(nlp: Language, name: str, models_dir: str) -> ProvinceComponent:
    return ProvinceComponent(load_resources(models_dir))


@Language.factory("vn_titles", default_config={"models_dir": ""})
def make_titles(nlp: Language, name: str, models_dir: str) -> TitleComponent:
    return TitleComponent(load_resources(models_dir))


@Language.factory("vn_agencies", default_config={"models_dir": ""})
def make_agencies(nlp: Language, name: str, models_dir: str) -> AgencyComponent:
    return AgencyComponent(load_resources(models_dir))


@Language.factory("vn_legal_documents", default_config={"models_dir": ""})
def make_legal_documents(nlp: Language, name: str, models_dir: str) -> LegalDocumentComponent:
    return LegalDocumentComponent(load_resources(models_dir))


@Language.factory("vn_officials", default_config={"models_dir": ""})
def make_officials(nlp: Language, name: str, models_dir: str) -> OfficialComponent:
    return OfficialComponent(load_resources(models_dir))
