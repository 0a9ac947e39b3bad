"""A spaCy tokenizer for Vietnamese news text.

Vietnamese writes one syllable per space-separated unit, so tokens are
syllables: runs of letters and digits, and every other visible character
on its own. "56-NQ/TW" is five tokens and "TP.HCM" three; entity spans
cover several tokens, so every match that starts and ends at a word or
punctuation boundary lines up with token boundaries exactly.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
# In normalised text every space is single and follows a token; newlines are tokens of their own.
_TOKEN_AND_SPACE = re.compile(r"(\w+|[^\w\s]|\n+)( ?)")


def _is_normalised(text: str) -> bool:
    """White space as normalize_text leaves it: single spaces between tokens, bare newlines."""
    return not (text[:1].isspace() or text[-1:].isspace() or "  " in text or " \n" in text or "\n " in text
                or "\t" in text or "\r" in text or any(c.isspace() and c not in " \n" for c in set(text)))


class VietnameseTokenizer:
    """Split normalised text into syllables and punctuation, keeping exact offsets."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        if _is_normalised(text):  # the fast path: one regex pass
            pairs = _TOKEN_AND_SPACE.findall(text)
            return Doc(self.vocab, words=[w for w, _ in pairs], spaces=[bool(sp) for _, sp in pairs])
        return self._general(text)

    def _general(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for match in _TOKEN.finditer(text):
            piece = match.group()
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
            elif piece[0].isspace():
                if piece[0] == " " and words and not spaces[-1]:
                    spaces[-1] = True
                    piece = piece[1:]
                if piece:
                    words.append(piece)
                    spaces.append(False)
            else:
                words.append(piece)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serialises tokenizers with the pipeline; this one has no state.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "VietnameseTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "VietnameseTokenizer":
        return self


@registry.tokenizers("vnextract.VietnameseTokenizer.v1")
def create_tokenizer():
    def make(nlp):
        return VietnameseTokenizer(nlp.vocab)

    return make
