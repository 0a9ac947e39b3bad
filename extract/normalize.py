"""Normalise Vietnamese text once, at ingestion.

Every offset the pipeline reports points into the text returned by
:func:`normalize_text`: Unicode NFC, the modern tone placement
(``hoà`` → ``hòa``, ``uỷ`` → ``ủy``), one space between words, ``\\n``
between paragraphs, and no invisible characters.

The tone-placement table is underthesea's text-normalisation rule table,
restricted to the entries that only move or fix a tone mark (same letters,
same length), so that no word is re-spelled behind the user's back.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_CHARACTERS = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),     # invisible
    **dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u3000\t\f\v"), " "),  # spaces
    ord("ð"): "đ", ord("Ð"): "Đ",                                                  # eth for đ
}
_TONE_CANDIDATE = re.compile(r"\w*[^\W\x00-\x7f]\w*")  # words with a non-ASCII letter
_HORIZONTAL_SPACE = re.compile(r" {2,}")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")


def _strip_marks(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


class Normalizer:
    """Holds the tone-placement table; build it once and reuse it."""

    def __init__(self, tone_table: dict[str, str]):
        self.tone_table = tone_table

    @classmethod
    def from_underthesea(cls) -> "Normalizer":
        from underthesea.pipeline.text_normalize.text_normalizer import token_map

        table = {}
        for source, target in token_map.items():
            source = unicodedata.normalize("NFC", source)
            target = unicodedata.normalize("NFC", target)
            if source != target and len(source) == len(target) and _strip_marks(source) == _strip_marks(target):
                table[source] = target
        return cls(table)

    def _fix_word(self, match: re.Match) -> str:
        word = match.group()
        return self.tone_table.get(word, word)

    def normalize(self, text: str) -> str:
        """Return the canonical form of ``text`` (see the module docstring)."""
        text = unicodedata.normalize("NFC", text)
        text = text.translate(_CHARACTERS)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _TONE_CANDIDATE.sub(self._fix_word, text)
        text = _HORIZONTAL_SPACE.sub(" ", text)
        text = _SPACE_AROUND_NEWLINE.sub("\n", text)
        text = _BLANK_LINES.sub("\n\n", text)
        return text.strip()


@functools.cache
def default_normalizer() -> Normalizer:
    return Normalizer.from_underthesea()


def normalize_text(text: str) -> str:
    """NFC, modern tone marks, folded white space: the text offsets refer to."""
    return default_normalizer().normalize(text)


def fold(text: str) -> str:
    """A comparison key: normalised, case-folded, single-spaced."""
    return " ".join(normalize_text(text).casefold().split())
