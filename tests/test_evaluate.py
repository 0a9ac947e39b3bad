"""Tests of extract.evaluate: comparison keys, scoring, the table converter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from extract.evaluate import Evaluation, KindScore, Keys, evaluate, load_gold, predictions_from_tables

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV_GOLD = SHARED / "gold" / "dev.jsonl"


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys.default()


def article(id_="a1", officials=(), provinces=(), agencies=(), documents=()) -> dict:
    return {"id": id_, "officials": list(officials), "provinces": list(provinces),
            "agencies": list(agencies), "legal_documents": list(documents)}


def official(name, *positions) -> dict:
    return {"name": name, "positions": [{"title": t, "organization": o} for t, o in positions]}


def document(type_, number=None, date=None, issuer=None, title=None, issuer_inferred=False) -> dict:
    return {"type": type_, "number": number, "date": date, "issuer": issuer, "title": title,
            "issuer_inferred": issuer_inferred}


def counts(score: KindScore) -> tuple[int, int, int]:
    return score.true_positives, score.false_positives, score.false_negatives


# --- comparison keys ---------------------------------------------------------

@pytest.mark.parametrize("left, right, same", [
    ("UBND tỉnh Bình Dương", "Ủy ban nhân dân tỉnh Bình Dương", True),
    ("Thành ủy TP.HCM", "Thành ủy Thành phố Hồ Chí Minh", True),
    ("Thành uỷ TPHCM", "Thành ủy thành phố Hồ Chí Minh", True),
    ("UBND TP. Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", True),
    ("UBND Tp.Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ", True),
    ("HĐND tỉnh Sơn La", "Hội đồng nhân dân tỉnh Sơn La", True),
    ("Ủy ban MTTQ Việt Nam tỉnh Đồng Nai", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Đồng Nai", True),
    ("ĐBQH", "đại biểu Quốc hội", True),
    ("Bộ Lao động-Thương binh và Xã hội", "Bộ Lao động - Thương binh và Xã hội", True),
    ("Sở Tài nguyên – Môi trường", "Sở Tài nguyên - Môi trường", True),
    ("BỘ  CÔNG AN", "Bộ Công an", True),
    ("Tỉnh uỷ Hoà Bình", "Tỉnh ủy Hòa Bình", True),
    ("Thành ủy Hà Nội", "Tỉnh ủy Hà Nội", False),
    ("Ủy ban nhân dân tỉnh Bình Dương", "Ủy ban nhân dân tỉnh Bình Định", False),
    ("TPBank", "thành phố Bank", False),  # a bank, not an abbreviation
    ("ĐUBND", "Đủy ban nhân dân", False),  # Vietnamese letter before: not a whole token
    ("UBNDĐ", "Ủy ban nhân dân Đ", False),  # Vietnamese letter after: not a whole token
])
def test_name_keys(keys, left, right, same):
    assert (keys.name(left) == keys.name(right)) is same


@pytest.mark.parametrize("left, right, same", [
    ("TP.HCM", "Hồ Chí Minh", True),
    ("TP HCM", "Hồ Chí Minh", True),
    ("thành phố Hồ Chí Minh", "Hồ Chí Minh", True),
    ("Hoà Bình", "Hòa Bình", True),
    ("tỉnh Sơn La", "Sơn La", True),
    ("Thành phố Hà Nội", "Hà Nội", True),
    ("TP. Đà Nẵng", "Đà Nẵng", True),
    ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu", True),
    ("Thừa Thiên Huế", "Huế", False),
    ("Bình Dương", "Bình Định", False),
    ("Hà Nam", "Hà Nội", False),
])
def test_province_keys(keys, left, right, same):
    assert (keys.province(left) == keys.province(right)) is same


@pytest.mark.parametrize("left, right, same", [
    ("40/NĐ-CP", "40/2013/NĐ-CP", True),
    ("số 02/CT-TTg", "02/CT-TTg", True),
    ("36/2016/NĐ-CP", "36/2016/NĐ-CP", True),
    ("56-NQ/TW", "56-NQ/TW", True),
    ("40/NĐ-CP", "41/NĐ-CP", False),
    ("56-NQ/TW", "56/NQ-TW", False),
    ("1954/QĐ-UBND", "QĐ-UBND", False),
])
def test_number_keys(keys, left, right, same):
    assert (keys.number(left) == keys.number(right)) is same


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NA])
def test_blank_values_have_no_key(keys, value):
    assert keys.name(value) is None
    assert keys.number(value) is None


# --- scores ------------------------------------------------------------------

SEED = article(
    "seed-000",
    officials=[official("Hồ Văn Sơn", ("Phó Bí thư Thường trực", "Tỉnh ủy Đồng Nai")),
               official("Nguyễn Hồng Hà", ("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Bình Dương"))],
    provinces=["Đồng Nai", "Bình Dương", "Hồ Chí Minh"],
    agencies=["Ban Cơ yếu Chính phủ", "Tỉnh ủy Đồng Nai", "Ủy ban nhân dân tỉnh Bình Dương"],
    documents=[document("Nghị quyết", "56-NQ/TW", "2020-03-05", "Bộ Chính trị"),
               document("Luật", title="An ninh mạng")])


def test_perfect_prediction_scores_one():
    result = evaluate([SEED], [json.loads(json.dumps(SEED))])
    for score in result.scores():
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
        assert score.false_positives == score.false_negatives == 0
    assert result.official_title_accuracy == result.official_organization_accuracy == 1.0
    assert result.document_date_accuracy == result.document_issuer_accuracy == 1.0
    assert result.errors == ()


def test_abbreviated_prediction_matches_full_gold():
    predicted = article(
        "seed-000",
        officials=[official("HỒ VĂN SƠN", ("Phó Bí thư Thường trực", "Tỉnh uỷ Đồng Nai")),
                   official("Nguyễn Hồng Hà", ("Phó Chủ tịch", "UBND tỉnh Bình Dương"))],
        provinces=["tỉnh Đồng Nai", "Bình Dương", "TP.HCM"],
        agencies=["Ban Cơ yếu Chính phủ", "Tỉnh ủy Đồng Nai", "UBND tỉnh Bình Dương"],
        documents=[document("Nghị quyết", "56-NQ/TW", "2020-03-05", "Bộ Chính trị"),
                   document("Luật", title="an ninh mạng")])
    result = evaluate([SEED], [predicted])
    assert [counts(s) for s in result.scores()] == [(3, 0, 0), (2, 0, 0), (3, 0, 0), (3, 0, 0), (2, 0, 0)]
    assert result.official_organization_accuracy == 1.0


def test_known_false_positives_and_negatives():
    gold = [SEED, article("a2", provinces=["Sơn La"], agencies=["Tỉnh ủy Sơn La"])]
    predicted = [
        article("seed-000",
                officials=[official("Hồ Văn Sơn", ("Phó Bí thư", "Tỉnh ủy Đồng Nai")),
                           official("Nguyễn Văn A", ("Giám đốc", "Công ty X"))],
                provinces=["Đồng Nai", "Bình Phước", "Điện Biên Phủ"],
                agencies=["Tỉnh ủy Đồng Nai"],
                documents=[document("Nghị quyết", "56/NQ-TW"), document("Luật", title="An ninh mạng")]),
        article("a2", provinces=["Sơn La", "Hòa Bình"], agencies=["Tỉnh ủy Sơn La"]),
        article("not-in-gold", provinces=["Hà Nội"], agencies=["Bộ Công an"]),
    ]
    result = evaluate(gold, predicted)
    assert counts(result.provinces) == (2, 3, 2)
    assert counts(result.officials) == (1, 1, 1)
    assert counts(result.agencies) == (2, 0, 2)
    assert counts(result.legal_documents) == (1, 1, 1)
    assert result.provinces.precision == pytest.approx(0.4)
    assert result.provinces.recall == pytest.approx(0.5)
    assert result.provinces.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    missed = {(e.kind, e.item) for e in result.errors if e.error == "missed"}
    spurious = {(e.kind, e.item) for e in result.errors if e.error == "spurious"}
    assert ("provinces", "Hồ Chí Minh") in missed and ("officials", "Nguyễn Hồng Hà") in missed
    assert ("provinces", "Điện Biên Phủ") in spurious and ("legal_documents", "Nghị quyết 56/NQ-TW") in spurious
    assert not any(e.article_id == "not-in-gold" for e in result.errors)
    assert set(result.errors_by_article()) == {"seed-000", "a2"}


def test_gold_article_without_prediction_is_all_missed():
    gold = [SEED, article("a2", provinces=["Sơn La"])]
    result = evaluate(gold, [SEED])
    assert counts(result.provinces) == (3, 0, 1)
    assert result.articles_without_prediction == ("a2",)
    assert result.articles == 2


def test_duplicates_in_a_prediction_count_once():
    gold = [article(provinces=["Hồ Chí Minh"], agencies=["Ủy ban nhân dân tỉnh Bình Dương"])]
    predicted = [article(provinces=["TP.HCM", "Hồ Chí Minh", "thành phố Hồ Chí Minh"],
                         agencies=["UBND tỉnh Bình Dương", "Ủy ban nhân dân tỉnh Bình Dương"])]
    result = evaluate(gold, predicted)
    assert counts(result.provinces) == (1, 0, 0)
    assert counts(result.agencies) == (1, 0, 0)


@pytest.mark.parametrize("gold_items, predicted_items, expected", [
    ([], [], (1.0, 1.0, 1.0)),
    (["Sơn La"], [], (0.0, 0.0, 0.0)),
    ([], ["Sơn La"], (0.0, 0.0, 0.0)),
    (["Sơn La", "Điện Biên"], ["Sơn La"], (1.0, 0.5, pytest.approx(2 / 3))),
])
def test_empty_ratios(gold_items, predicted_items, expected):
    score = evaluate([article(provinces=gold_items)], [article(provinces=predicted_items)]).provinces
    assert (score.precision, score.recall, score.f1) == expected


@pytest.mark.parametrize("gold_agencies, predicted_agencies, strict, lenient", [
    (["Sở Y tế Hải Phòng"], ["Sở Y tế"], (0, 1, 1), (1, 0, 0)),
    (["Sở Y tế"], ["Sở Y tế Hải Phòng"], (0, 1, 1), (1, 0, 0)),
    (["Ủy ban nhân dân tỉnh Bình Dương"], ["UBND"], (0, 1, 1), (1, 0, 0)),
    (["Cục Viễn thông và Cơ yếu Bộ Công an"], ["Cục Viễn thông và Cơ yếu"], (0, 1, 1), (1, 0, 0)),
    (["Công an tỉnh Sơn La"], ["Công an"], (0, 1, 1), (1, 0, 0)),
    (["Sở Y tế"], ["Sở Y tếHải Phòng"], (0, 1, 1), (0, 1, 1)),  # not at a word boundary
    (["Bộ Công Thương"], ["Bộ Công an"], (0, 1, 1), (0, 1, 1)),
    (["Sở Y tế"], ["Sở Y tế Hải Phòng", "Sở Y tế Cần Thơ"], (0, 2, 1), (1, 1, 0)),  # gold used once
    (["Cục Cơ yếu", "Cục Cơ yếu Đảng - Chính quyền"], ["Cục Cơ yếu Đảng - Chính quyền", "Cục Cơ yếu"],
     (2, 0, 0), (2, 0, 0)),
    (["Cục Cơ yếu Đảng - Chính quyền", "Cục Cơ yếu"], ["Cục Cơ yếu Đảng", "Cục Cơ yếu"],
     (1, 1, 1), (2, 0, 0)),  # exact match first, the leftover pairs leniently
])
def test_lenient_agencies(gold_agencies, predicted_agencies, strict, lenient):
    result = evaluate([article(agencies=gold_agencies)], [article(agencies=predicted_agencies)])
    assert counts(result.agencies) == strict
    assert counts(result.agencies_lenient) == lenient


@pytest.mark.parametrize("gold_doc, predicted_doc, matched", [
    (document("Nghị định", "40/NĐ-CP"), document("Nghị định", "40/2013/NĐ-CP"), True),
    (document("Nghị định", "40/2013/NĐ-CP"), document("Nghị định", "40/NĐ-CP"), True),
    (document("Nghị định", "40/2013/NĐ-CP"), document("Nghị định", "số 40/2013/NĐ-CP"), True),
    (document("Nghị định", "86"), document("Nghị định", "86"), True),
    (document("Nghị định", "40/NĐ-CP"), document("Nghị định", "41/NĐ-CP"), False),
    (document("Nghị định", "40/NĐ-CP"), document("Nghị quyết", "40/NĐ-CP"), False),
    (document("Thông tư", "175/TT-BQP"), document("Thông tư liên tịch", "175/TT-BQP"), False),
    (document("Luật", title="An ninh mạng"), document("luật", title="an ninh mạng"), True),
    (document("Luật", title="An ninh mạng"), document("Luật", title="Bảo vệ bí mật nhà nước"), False),
    (document("Luật", title="An ninh mạng"), document("Bộ luật", title="An ninh mạng"), False),
])
def test_document_matching(gold_doc, predicted_doc, matched):
    result = evaluate([article(documents=[gold_doc])], [article(documents=[predicted_doc])])
    assert counts(result.legal_documents) == ((1, 0, 0) if matched else (0, 1, 1))


def test_two_forms_of_one_number_are_one_document():
    predicted = [document("Nghị định", "40/NĐ-CP"), document("Nghị định", "40/2013/NĐ-CP")]
    result = evaluate([article(documents=[document("Nghị định", "40/NĐ-CP")])], [article(documents=predicted)])
    assert counts(result.legal_documents) == (1, 0, 0)


@pytest.mark.parametrize("gold_doc, predicted_doc, date_right, issuer_right", [
    (document("Nghị định", "40/NĐ-CP", "2013-04-26", "Chính phủ"),
     document("Nghị định", "40/2013/NĐ-CP", "2013-04-26", "chính phủ"), True, True),
    (document("Quyết định", "936/QĐ-UBND", "2021-03-23", "Ủy ban nhân dân tỉnh Hải Dương"),
     document("Quyết định", "936/QĐ-UBND", "2021-03-23", "UBND tỉnh Hải Dương"), True, True),
    (document("Quyết định", "486", None, "Thủ tướng"),
     document("Quyết định", "486", None, "Thủ tướng Chính phủ"), True, False),
    (document("Chỉ thị", "02/CT-TTg", "2018-07-04", "Thủ tướng Chính phủ"),
     document("Chỉ thị", "02/CT-TTg", "2018-04-07", "Thủ tướng Chính phủ"), False, True),
    (document("Nghị định", "86", None, None), document("Nghị định", "86", "2015-01-01", None), False, True),
    (document("Nghị quyết", "56-NQ/TW", "2020-03-05", "Bộ Chính trị"),
     document("Nghị quyết", "56-NQ/TW", None, None), False, False),
])
def test_document_date_and_issuer_accuracy(gold_doc, predicted_doc, date_right, issuer_right):
    result = evaluate([article(documents=[gold_doc])], [article(documents=[predicted_doc])])
    assert result.documents_compared == 1
    assert result.document_date_accuracy == float(date_right)
    assert result.document_issuer_accuracy == float(issuer_right)
    wrong = {e.error for e in result.errors}
    assert ("wrong date" in wrong) is not date_right and ("wrong issuer" in wrong) is not issuer_right


LICH = official("Ngô Xuân Lịch", ("Ủy viên", "Bộ Chính trị"), ("Phó Bí thư", "Quân ủy Trung ương"),
                ("Bộ trưởng", "Bộ Quốc phòng"))


@pytest.mark.parametrize("gold_person, predicted_positions, title_accuracy, organization_accuracy", [
    (LICH, [("Bộ trưởng", "Bộ Quốc phòng")], 1.0, 1.0),
    (LICH, [("Bộ trưởng", "Bộ Quốc phòng"), ("Phó Bí thư", "Quân ủy TW"), ("Ủy viên Bộ Chính trị", None)],
     2 / 3, 1 / 3),
    (LICH, [("Ủy viên", "Quân ủy Trung ương")], 1.0, 0.0),  # organization of another position
    (LICH, [("Thượng tướng", "Bộ Quốc phòng")], 0.0, 0.0),  # a wrong title makes the position wrong
    (official("Nguyễn Phú Trọng", ("Tổng Bí thư", None)), [("Tổng Bí thư", None)], 1.0, 1.0),
    (official("Nguyễn Phú Trọng", ("Tổng Bí thư", None)), [("Tổng Bí thư", "Ban Chấp hành Trung ương")], 1.0, 0.0),
    (official("Nguyễn Minh Hiển", ("Nguyên Bộ trưởng", "Bộ Giáo dục và Đào tạo")),
     [("nguyên Bộ trưởng", "Bộ Giáo dục và Đào tạo")], 1.0, 1.0),
    (official("Nguyễn Minh Hiển", ("Nguyên Bộ trưởng", "Bộ Giáo dục và Đào tạo")),
     [("Bộ trưởng", "Bộ Giáo dục và Đào tạo")], 0.0, 0.0),
    (official("Nguyễn Hồng Hà", ("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Bình Dương")),
     [("Phó Chủ tịch", "UBND tỉnh Bình Dương")], 1.0, 1.0),
    (official("Nguyễn Hồng Hà", ("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Bình Dương")),
     [("Phó Chủ tịch", "UBND tỉnh Bình Định")], 1.0, 0.0),
])
def test_official_title_and_organization_accuracy(gold_person, predicted_positions, title_accuracy,
                                                  organization_accuracy):
    predicted = official(gold_person["name"], *predicted_positions)
    result = evaluate([article(officials=[gold_person])], [article(officials=[predicted])])
    assert counts(result.officials) == (1, 0, 0)
    assert result.positions_compared == len(predicted_positions)
    assert result.official_title_accuracy == pytest.approx(title_accuracy)
    assert result.official_organization_accuracy == pytest.approx(organization_accuracy)


def test_accuracies_are_none_without_matches():
    gold = [article(officials=[LICH], documents=[document("Nghị định", "40/NĐ-CP")])]
    predicted = [article(officials=[official("Lịch", ("Bộ trưởng", "Bộ Quốc phòng"))],
                         documents=[document("Nghị định", "41/NĐ-CP")])]
    result = evaluate(gold, predicted)
    assert result.positions_compared == result.documents_compared == 0
    assert result.official_title_accuracy is None and result.document_issuer_accuracy is None
    assert "n/a" in result.report()


def test_report_and_to_dict():
    predicted = article("seed-000", provinces=["Đồng Nai"], agencies=["Tỉnh ủy Đồng Nai", "Bộ Công an"],
                        officials=[official("Hồ Văn Sơn", ("Phó Bí thư", "Tỉnh ủy Đồng Nai"))])
    result = evaluate([SEED], [predicted])
    text = result.report()
    lines = text.splitlines()
    provinces_line = next(line for line in lines if line.startswith("provinces"))
    assert provinces_line.split() == ["provinces", "1.000", "0.333", "0.500", "1", "0", "2"]
    assert any(line.startswith("official title accuracy") and "0.000 (0/1)" in line for line in lines)
    assert "agencies_lenient" in text and "document issuer accuracy" in text
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["agencies"]["false_positives"] == 1
    assert data["official_title_accuracy"] == 0.0
    assert {"article_id": "seed-000", "kind": "agencies", "error": "spurious", "item": "Bộ Công an",
            "predicted": None, "expected": None} in data["errors"]
    assert "KindScore(kind='provinces'" in repr(result.provinces)


def test_results_are_frozen():
    result = evaluate([SEED], [SEED])
    with pytest.raises(AttributeError):
        result.provinces = None  # type: ignore[misc]
    assert isinstance(result, Evaluation)


# --- loading and converting --------------------------------------------------

def test_load_gold_plain_and_gz(tmp_path):
    lines = [json.dumps(SEED, ensure_ascii=False), "", json.dumps({"id": 7, "provinces": ["Sơn La"]})]
    plain = tmp_path / "gold.jsonl"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packed = tmp_path / "gold.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    for path in (plain, packed):
        records = load_gold(path)
        assert [r["id"] for r in records] == ["seed-000", "7"]
        assert records[1] == article("7", provinces=["Sơn La"])


@pytest.mark.parametrize("content, message", [
    ('{"id": "a"}\n{"id": "a"}\n', "duplicate id"),
    ('{"id": "a"}\n{not json\n', ":2: not JSON"),
    ('{"provinces": []}\n', "needs an 'id'"),
])
def test_load_gold_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_gold(path)


def tables_of(**frames):
    class Tables:
        pass
    tables = Tables()
    for name, rows in frames.items():
        setattr(tables, name, pd.DataFrame(rows))
    return tables


def test_predictions_from_tables():
    tables = tables_of(
        articles={"article_id": ["a1", "a2"], "title": ["Hội nghị", "Tin khác"]},
        officials={"article_id": ["a1", "a1", "a1", "zz"],
                   "name": ["Ngô Xuân Lịch", "Ngô Xuân Lịch", "Nguyễn Phú Trọng", "Ai Đó"],
                   "title": ["Bộ trưởng", "Ủy viên", "Tổng Bí thư", "Giám đốc"],
                   "organization": ["Bộ Quốc phòng", "Bộ Chính trị", None, "Sở X"],
                   "province": [None] * 4, "mentions": [2, 2, 1, 1]},
        provinces={"article_id": ["a1", "zz"], "province": ["Bình Dương", "Hà Nội"],
                   "province_2025": ["Hồ Chí Minh", "Hà Nội"], "code": ["74", "01"], "mentions": [1, 1]},
        agencies={"article_id": ["a1", "a1"], "agency": ["Bộ Quốc phòng", "Bộ Chính trị"],
                  "parent": [None, None], "province": [None, None], "mentions": [1, 1]},
        legal_documents={"article_id": ["a1", "a1"], "doc_type": ["Nghị quyết", "Luật"],
                         "number": ["56-NQ/TW", None], "issue_date": [pd.Timestamp("2020-03-05"), pd.NaT],
                         "issuer": ["Bộ Chính trị", None], "title": [None, "An ninh mạng"], "mentions": [2, 1]},
    )
    tables.officials.loc[2, "organization"] = float("nan")
    records = predictions_from_tables(tables)
    assert records == [
        article("a1",
                officials=[official("Ngô Xuân Lịch", ("Bộ trưởng", "Bộ Quốc phòng"), ("Ủy viên", "Bộ Chính trị")),
                           official("Nguyễn Phú Trọng", ("Tổng Bí thư", None))],
                provinces=["Bình Dương"], agencies=["Bộ Quốc phòng", "Bộ Chính trị"],
                documents=[document("Nghị quyết", "56-NQ/TW", "2020-03-05", "Bộ Chính trị"),
                           document("Luật", title="An ninh mạng")]),
        article("a2"),
    ]


def test_predictions_from_empty_tables():
    empty = {"article_id": []}
    tables = tables_of(articles={"article_id": [3]}, officials=empty, provinces=empty, agencies=empty,
                       legal_documents=empty)
    assert predictions_from_tables(tables) == [article("3")]


def gold_as_tables(gold: list[dict]):
    rows = {"officials": [], "provinces": [], "agencies": [], "legal_documents": []}
    for record in gold:
        i = record["id"]
        rows["officials"] += [{"article_id": i, "name": o["name"], **p}
                              for o in record["officials"] for p in o["positions"]]
        rows["provinces"] += [{"article_id": i, "province": p} for p in record["provinces"]]
        rows["agencies"] += [{"article_id": i, "agency": a} for a in record["agencies"]]
        rows["legal_documents"] += [{"article_id": i, "doc_type": d["type"], "number": d["number"],
                                     "issue_date": d["date"], "issuer": d["issuer"], "title": d["title"]}
                                    for d in record["legal_documents"]]
    return tables_of(articles={"article_id": [r["id"] for r in gold]}, **rows)


@pytest.mark.skipif(not DEV_GOLD.is_file(), reason="../shared/gold/dev.jsonl is not available")
def test_dev_gold_against_itself_and_through_tables():
    gold = load_gold(DEV_GOLD)
    assert gold
    for predicted in (gold, predictions_from_tables(gold_as_tables(gold))):
        result = evaluate(gold, predicted)
        for score in result.scores():
            assert score.f1 == 1.0 and score.false_positives == score.false_negatives == 0
            assert score.true_positives > 0
        assert result.official_title_accuracy == result.official_organization_accuracy == 1.0
        assert result.document_date_accuracy == result.document_issuer_accuracy == 1.0
        assert result.errors == ()


@pytest.mark.skipif(not DEV_GOLD.is_file(), reason="../shared/gold/dev.jsonl is not available")
def test_dev_gold_against_nothing():
    gold = load_gold(DEV_GOLD)
    result = evaluate(gold, [])
    assert len(result.articles_without_prediction) == len(gold)
    assert all(score.true_positives == 0 and score.recall == 0.0 for score in result.scores())


@pytest.mark.parametrize("predicted_issuer, inferred, gold_issuer, right", [
    ("Chính phủ", True, None, True),            # inferred from "NĐ-CP" where the article names no issuer
    ("Chính phủ", False, None, False),          # stated, but the gold has none
    ("Chính phủ", True, "Thủ tướng Chính phủ", False),
    ("Chính phủ", True, "Chính phủ", True),
])
def test_inferred_issuer_counts_where_the_article_names_none(predicted_issuer, inferred, gold_issuer, right):
    gold = [article("a", documents=[document("Nghị định", "29/2015/NĐ-CP", issuer=gold_issuer)])]
    pred = [article("a", documents=[document("Nghị định", "29/2015/NĐ-CP", issuer=predicted_issuer,
                                             issuer_inferred=inferred)])]
    assert evaluate(gold, pred).document_issuer_accuracy == (1.0 if right else 0.0)
