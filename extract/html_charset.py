"""Bytes of a Vietnamese web page to text, whatever charset it claims.

Order: a byte-order mark; strict UTF-8 (bytes that decode as UTF-8 are
UTF-8, whatever the page or the server says); then the declared charsets
(HTTP header, ``<meta charset>``, Western labels read as windows-1258)
and windows-1258, the legacy Vietnamese code page, keeping the decoding
that reads most like Vietnamese. The
result is NFC: windows-1258 writes tone marks as combining characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

SNIFF_BYTES = 4096
LEGACY_VIETNAMESE = "windows-1258"
# Browsers read Latin-1 and ASCII labels as windows-1252. On Vietnamese pages that label is a server
# default over windows-1258 bytes (or over ASCII with character references, the same in both), and
# windows-1252 differs from windows-1258 exactly in the letters and tone marks Vietnamese needs.
_WESTERN_LABELS = ("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252",
                   "cp1252")
_LABEL_ALIASES = dict.fromkeys(_WESTERN_LABELS, LEGACY_VIETNAMESE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_VIETNAMESE_LETTERS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes; ``declared`` is the charset of the HTTP Content-Type header (or the header itself)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _finish(data[len(bom):].decode(encoding, errors="replace"))
    try:
        return _finish(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    candidates = [declared, *(m.decode("ascii", "ignore") for m in _META_CHARSET.findall(data[:SNIFF_BYTES])),
                  LEGACY_VIETNAMESE]
    best: tuple[int, str] | None = None
    for encoding in dict.fromkeys(filter(None, map(_codec_name, candidates))):
        try:
            text = _finish(data.decode(encoding))
        except UnicodeDecodeError:
            continue
        score = _vietnamese_score(text)
        if best is None or score > best[0]:
            best = (score, text)
    if best is not None:
        return best[1]
    return _finish(data.decode(LEGACY_VIETNAMESE, errors="replace"))


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.lower().rsplit("charset=", 1)[-1].split(";")[0].strip().strip("\"'")
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _vietnamese_score(text: str) -> int:
    """Vietnamese letters minus stray Latin-1 symbols and replacement characters (mojibake)."""
    score = 0
    for char in text:
        if char in _VIETNAMESE_LETTERS:
            score += 1
        elif "\x80" <= char <= "\xff" or char == "\ufffd":
            score -= 2
    return score


def _finish(text: str) -> str:
    return unicodedata.normalize("NFC", text.lstrip("\ufeff"))
