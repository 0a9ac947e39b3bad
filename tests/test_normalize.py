"""Normalisation at ingestion, and the tokenizer that keeps offsets into its result."""

from __future__ import annotations

import unicodedata

import pytest
import spacy

from extract import tokenizer  # noqa: F401  (registers the tokenizer)
from extract.normalize import fold, normalize_text


@pytest.mark.parametrize("raw, expected", [
    ("Tỉnh Hoà Bình", "Tỉnh Hòa Bình"),
    ("Uỷ ban nhân dân tỉnh Thanh Hoá", "Ủy ban nhân dân tỉnh Thanh Hóa"),
    ("thuỷ lợi, khoẻ mạnh, hoạ sĩ, luỹ kế, tuỳ theo", "thủy lợi, khỏe mạnh, họa sĩ, lũy kế, tùy theo"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("quý vị, Hoàng Sa, Khánh Hòa", "quý vị, Hoàng Sa, Khánh Hòa"),        # already right: untouched
    (unicodedata.normalize("NFD", "Đồng Nai"), "Đồng Nai"),                 # decomposed → NFC
    ("Bộ\u00a0Công\u00a0an", "Bộ Công an"),                                  # no-break spaces
    ("Nghị\u200b quyết", "Nghị quyết"),                                      # zero-width space
    ("Sơn   La\t và  Điện Biên", "Sơn La và Điện Biên"),
    ("Đoạn một.\r\n\r\n\r\n\r\nĐoạn hai. ", "Đoạn một.\n\nĐoạn hai."),
    ("Ðà Nẵng", "Đà Nẵng"),                                                  # Icelandic eth → Vietnamese đ
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_is_idempotent():
    text = "Uỷ ban nhân dân tỉnh Hoà Bình\u00a0ban hành Quyết định số 1954/QĐ-UBND."
    assert normalize_text(normalize_text(text)) == normalize_text(text)


@pytest.mark.parametrize("a, b", [("UỶ BAN  Hoà Bình", "ủy ban hòa bình"), ("Thừa Thiên\nHuế", "thừa thiên huế")])
def test_fold(a, b):
    assert fold(a) == b


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "vnextract.VietnameseTokenizer.v1"}}})


@pytest.mark.parametrize("text, tokens", [
    ("Nghị quyết 56-NQ/TW ngày 5/3/2020.", ["Nghị", "quyết", "56", "-", "NQ", "/", "TW", "ngày", "5", "/", "3", "/",
                                             "2020", "."]),
    ("TP.HCM, Bà Rịa - Vũng Tàu", ["TP", ".", "HCM", ",", "Bà", "Rịa", "-", "Vũng", "Tàu"]),
    ("Đoạn một.\n\nĐoạn hai", ["Đoạn", "một", ".", "\n\n", "Đoạn", "hai"]),
])
def test_tokenizer_splits_syllables_and_punctuation(nlp, text, tokens):
    doc = nlp(text)
    assert [t.text for t in doc] == tokens
    assert doc.text == text


def test_every_word_and_mark_is_a_token(nlp):
    import re

    text = normalize_text("Ông Hồ Văn Sơn, Phó Bí thư Thường trực Tỉnh ủy Đồng Nai (TP.Biên Hòa) – Luật An ninh mạng.")
    doc = nlp(text)
    pieces = list(re.finditer(r"\w+|[^\w\s]", text))
    assert len(pieces) == len(doc)
    for m in pieces:
        assert doc.char_span(m.start(), m.end()).text == m.group()
