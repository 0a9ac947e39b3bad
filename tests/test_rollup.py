"""extract.rollup and extract.people: one row per distinct official, agency, province, document."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from extract.normalize import fold
from extract.people import Position, compatible, extends
from extract.rollup import ENTITY_COLUMNS, ENTITY_TABLES, rollup, rollup_batches
from extract.tables import Rows, Tables

NAME = "Nguyễn Văn Hùng"


def official_tables(*articles: tuple[str, str | None, list[tuple]]) -> Tables:
    """Tables of articles given as (article_id, published, [(name, title, organization, province), ...])."""
    rows = Rows()
    for article_id, published, officials in articles:
        rows.articles.append({"article_id": article_id, "published": published, "title": article_id})
        for name, title, organization, province in officials:
            rows.officials.append({"article_id": article_id, "name": name, "title": title,
                                   "organization": organization, "province": province, "mentions": 2})
    return rows.to_tables()


def people(tables: Tables, name: str = NAME) -> pd.DataFrame:
    officials = rollup(tables)["entity_officials"]
    return officials[officials["name"].map(fold) == fold(name)].reset_index(drop=True)


# --- the same-person rule, as a table ------------------------------------------------------------


@pytest.mark.parametrize("first, second, same", [
    # identical positions
    (("Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), ("Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), True),
    # an acronym for the same body
    (("Chủ tịch", "UBND tỉnh Cà Mau", "Cà Mau"), ("Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), True),
    (("Thứ trưởng", "Bộ GD&ĐT", None), ("Thứ trưởng", "Bộ Giáo dục và Đào tạo", None), True),
    # a promotion in the same body
    (("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), ("Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), True),
    # one organization extends the other
    (("Bí thư", "Tỉnh ủy Đồng Nai", "Đồng Nai"), ("Ủy viên", "Ban Thường vụ Tỉnh ủy Đồng Nai", "Đồng Nai"), True),
    (("Chủ tịch", "Ủy ban nhân dân Hà Nội", "Hà Nội"), ("Chủ tịch", "Ủy ban nhân dân thành phố Hà Nội", "Hà Nội"), True),
    (("Vụ trưởng", "Vụ Giáo dục trung học", None), ("Vụ trưởng", "Vụ Giáo dục Trung học, Bộ Giáo dục và Đào tạo", None), True),
    # no organization on one side: a shared or extended title
    (("Phó Thủ tướng", None, None), ("Phó Thủ tướng", "Chính phủ", None), True),
    (("Phó Thủ tướng", None, None), ("Phó Thủ tướng Thường trực", None, None), True),
    # the same title in two provinces: two people
    (("Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"), ("Chủ tịch", "Ủy ban nhân dân tỉnh Phú Yên", "Phú Yên"), False),
    (("Phó Chủ tịch", None, "Cà Mau"), ("Phó Chủ tịch", None, "Phú Yên"), False),
    # the same title in two bodies: two people
    (("Thứ trưởng", "Bộ Y tế", None), ("Thứ trưởng", "Bộ Tài chính", None), False),
    (("Giám đốc", "Công an tỉnh Nghệ An", "Nghệ An"), ("Giám đốc", "Sở Tư pháp tỉnh Nghệ An", "Nghệ An"), False),
    (("Chủ tịch", "Hội đồng nhân dân tỉnh Bình Dương", "Bình Dương"), ("Chủ tịch", "UBND tỉnh Bình Dương", "Bình Dương"), False),
    # different titles and no organization to tie them
    (("Thủ tướng", None, None), ("Phó Thủ tướng", None, None), False),
])
def test_same_name_in_two_articles(first, second, same):
    tables = official_tables(("a1", "2017-01-05", [(NAME, *first)]), ("a2", "2017-03-02", [(NAME, *second)]))
    found = people(tables)
    assert len(found) == (1 if same else 2)
    assert list(found["n_articles"]) == ([2] if same else [1, 1])
    a, b = Position.of(*first), Position.of(*second)
    assert compatible(a, b) == compatible(b, a) == same


@pytest.mark.parametrize("longer, shorter, expected", [
    ("Ủy ban nhân dân tỉnh Bình Dương", "Ủy ban nhân dân", True),
    ("Ủy ban nhân dân tỉnh Bình Dương", "UBND tỉnh Bình Dương", True),
    ("Sở Giáo dục - Đào tạo thành phố Hà Nội", "Sở Giáo dục và Đào tạo Hà Nội", True),
    ("Cục Cảnh sát giao thông", "Cục CSGT", True),
    ("Bộ Công thương", "Bộ Công an", False),
    ("Sở Giao thông vận tải Hà Nội", "Sở GDĐT Hà Nội", False),
    ("Ủy ban nhân dân", "Ủy ban nhân dân tỉnh Bình Dương", False),
])
def test_an_organization_extends_another(longer, shorter, expected):
    assert extends(fold(longer), fold(shorter)) is expected


def test_a_vague_mention_that_fits_two_people_joins_neither():
    tables = official_tables(
        ("a1", "2017-01-05", [(NAME, "Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau")]),
        ("a2", "2017-01-06", [(NAME, "Chủ tịch", None, None)]),
        ("a3", "2017-01-07", [(NAME, "Chủ tịch", "Ủy ban nhân dân tỉnh Phú Yên", "Phú Yên")]),
        ("a4", "2017-01-08", [(NAME, "Chủ tịch", None, None)]),
    )
    found = people(tables).sort_values(["ambiguous", "province"]).reset_index(drop=True)
    assert list(found["province"].fillna("")) == ["Cà Mau", "Phú Yên", ""]
    assert list(found["ambiguous"]) == [False, False, True]
    assert list(found["n_articles"]) == [1, 1, 2]


def test_a_vague_mention_joins_the_only_person_with_that_title_and_its_position():
    tables = official_tables(
        ("a1", "2021-04-22", [(NAME, "Phó Thủ tướng", "Chính phủ", None)]),
        ("a2", "2020-11-01", [(NAME, "Phó Thủ tướng", None, None)]),
        ("a3", "2021-04-30", [(NAME, "Phó Thủ tướng", None, None), (NAME, "Trưởng Ban", "Ban Chỉ đạo", None)]),
    )
    found = people(tables)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["title"], row["organization"], row["n_positions"], row["n_articles"]) == (
        "Phó Thủ tướng", "Chính phủ", 2, 3)
    assert (row["first_seen"], row["last_seen"]) == (dt.date(2020, 11, 1), dt.date(2021, 4, 30))
    assert row["positions"] == ("Phó Thủ tướng, Chính phủ (2020-11-01 – 2021-04-30); "
                                "Trưởng Ban, Ban Chỉ đạo (2021-04-30)")
    positions = rollup(tables)["entity_official_positions"]
    assert list(positions["n_articles"]) == [3, 1]


def test_the_grouping_does_not_depend_on_the_article_order():
    articles = [
        ("a1", None, [(NAME, "Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau")]),
        ("a2", None, [(NAME, "Chủ tịch", None, None)]),
        ("a3", None, [(NAME, "Chủ tịch", "UBND tỉnh Phú Yên", "Phú Yên")]),
        ("a4", None, [(NAME, "Phó Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau")]),
        ("a5", None, [("NGUYỄN VĂN HÙNG", "Chủ tịch", "Ủy ban nhân dân", None)]),
    ]
    columns = ["title", "organization", "province", "n_articles", "ambiguous"]
    expected = people(official_tables(*articles))[columns].sort_values(columns[:3]).reset_index(drop=True)
    for seed in range(4):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        found = people(official_tables(*shuffled))[columns].sort_values(columns[:3]).reset_index(drop=True)
        pd.testing.assert_frame_equal(found, expected)


# --- dates, counts and the other entity tables ---------------------------------------------------


@pytest.mark.parametrize("published, first, last", [
    (["2017-01-05", "2017-03-02"], dt.date(2017, 1, 5), dt.date(2017, 3, 2)),
    (["2020-10-01T08:30:00+07:00", None], dt.date(2020, 10, 1), dt.date(2020, 10, 1)),
    ([None, None], None, None),
    (["không rõ", "2017-03-02"], dt.date(2017, 3, 2), dt.date(2017, 3, 2)),
])
def test_first_and_last_seen_come_from_the_articles_dates(published, first, last):
    position = (NAME, "Chủ tịch", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau")
    tables = official_tables(("a1", published[0], [position]), ("a2", published[1], [position]))
    row = people(tables).iloc[0]
    assert (row["first_seen"], row["last_seen"]) == (first, last)


def entity_tables() -> Tables:
    rows = Rows(
        articles=[{"article_id": "a1", "published": "2017-01-05"}, {"article_id": "a2", "published": "2017-02-01"},
                  {"article_id": "a3", "published": None}],
        provinces=[{"article_id": "a1", "province": "Cà Mau", "province_2025": "Cà Mau", "code": "96", "mentions": 3},
                   {"article_id": "a2", "province": "Cà Mau", "province_2025": "Cà Mau", "code": "96", "mentions": 1},
                   {"article_id": "a3", "province": "Phú Yên", "province_2025": "Đắk Lắk", "code": "54", "mentions": 2}],
        agencies=[{"article_id": "a1", "agency": "Sở Y tế", "province": "Cà Mau", "mentions": 1, "kind": "government"},
                  {"article_id": "a2", "agency": "Sở Y tế", "province": "Phú Yên", "mentions": 1},
                  {"article_id": "a3", "agency": "Sở y tế", "province": "Cà Mau", "mentions": 4}],
        legal_documents=[
            {"article_id": "a1", "doc_type": "Nghị quyết", "number": "56-NQ/TW", "issuer": "Bộ Chính trị", "mentions": 2},
            {"article_id": "a2", "doc_type": None, "number": "56-nq/tw", "issuer": None, "mentions": 1},
            {"article_id": "a2", "doc_type": "Luật", "number": None, "title": "An ninh mạng", "mentions": 1},
            {"article_id": "a3", "doc_type": "Luật", "number": None, "title": "An ninh mạng", "mentions": 2}],
    )
    return rows.to_tables()


@pytest.mark.parametrize("table, key, expected", [
    ("entity_provinces", {"province": "Cà Mau"},
     {"n_articles": 2, "mentions": 4, "code": "96", "first_seen": dt.date(2017, 1, 5), "last_seen": dt.date(2017, 2, 1)}),
    ("entity_provinces", {"province": "Phú Yên"},
     {"n_articles": 1, "province_2025": "Đắk Lắk", "first_seen": None}),
    ("entity_agencies", {"agency": "Sở Y tế", "province": "Cà Mau"},
     {"n_articles": 2, "mentions": 5, "kind": "government", "last_seen": dt.date(2017, 1, 5)}),
    ("entity_agencies", {"agency": "Sở Y tế", "province": "Phú Yên"}, {"n_articles": 1}),
    ("entity_legal_documents", {"number": "56-NQ/TW"},
     {"n_articles": 2, "mentions": 3, "doc_type": "Nghị quyết", "issuer": "Bộ Chính trị"}),
    ("entity_legal_documents", {"title": "An ninh mạng"},
     {"n_articles": 2, "doc_type": "Luật", "first_seen": dt.date(2017, 2, 1), "last_seen": dt.date(2017, 2, 1)}),
])
def test_entity_tables(table, key, expected):
    df = rollup(entity_tables())[table]
    match = df[pd.concat([df[k] == v for k, v in key.items()], axis=1).all(axis=1)]
    assert len(match) == 1, df
    row = match.iloc[0]
    for column, value in expected.items():
        assert row[column] == value if value is not None else pd.isna(row[column]), column
    assert len(df) == 2


def test_every_entity_table_has_its_columns_even_when_empty():
    for name, df in rollup(Tables.empty()).items():
        assert name in ENTITY_TABLES
        assert list(df.columns) == ENTITY_COLUMNS[name]
        assert df.empty


def test_batch_by_batch_equals_all_at_once():
    tables = official_tables(*[(f"a{i}", f"2017-01-{1 + i % 28:02d}",
                                [(NAME if i % 3 else "Lê Minh Khái", "Chủ tịch",
                                  "Ủy ban nhân dân tỉnh " + ("Cà Mau" if i % 2 else "Phú Yên"), None)])
                               for i in range(40)])
    whole = rollup(tables)
    batches = []
    for start in range(0, 40, 7):
        ids = {f"a{i}" for i in range(start, min(start + 7, 40))}
        batches.append({name: df[df["article_id"].isin(ids)] for name, df in tables.items()})
    for name, df in rollup_batches(batches).items():
        pd.testing.assert_frame_equal(df, whole[name], obj=name)
