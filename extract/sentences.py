"""Sentence boundaries from underthesea's sentence splitter, as offsets into the text.

underthesea knows Vietnamese abbreviations ("TP. Hà Nội", "v.v.") that a
plain full-stop rule splits on. Its sentences are located back in the text
in order, so the offsets stay exact whatever it does with white space.
"""

from __future__ import annotations

from underthesea import sent_tokenize


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences begin, the first at 0."""
    starts, pos = [], 0
    for paragraph_start, paragraph in _paragraphs(text):
        pos = paragraph_start
        for sentence in sent_tokenize(paragraph):
            found = text.find(sentence, pos)
            if found < 0:
                continue
            starts.append(found)
            pos = found + len(sentence)
    return starts or [0]


def _paragraphs(text: str):
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, line
        pos += len(line) + 1
