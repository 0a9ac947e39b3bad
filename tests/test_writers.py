"""extract.writers: CSV that Excel reads safely, Parquet that keeps the values."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from extract.tables import COLUMNS, TABLE_NAMES, Rows, Tables
from extract.writers import check_formats, csv_frame, neutralise_formula, write_tables


def sample_tables() -> Tables:
    rows = Rows(
        articles=[
            {"article_id": "seed-000", "url": "https://bcy.gov.vn/a.htm", "source": "bcy.gov.vn",
             "title": "Đồng Nai, Bình Dương, Bình Phước tăng cường sự phối hợp công tác cơ yếu",
             "published": "2023-10-03", "author": "Nguyễn Ngoan", "category": None, "n_chars": 9103,
             "text_sha1": "7469f7b25a801fa0"},
            {"article_id": "tin-2", "url": None, "source": None, "title": "=HYPERLINK(\"http://evil\",\"bấm\")",
             "published": None, "author": "@tác_giả", "category": "-Thời sự", "n_chars": 12,
             "text_sha1": None},
        ],
        officials=[
            {"article_id": "seed-000", "name": "Hồ Văn Sơn", "title": "Phó Bí thư Thường trực",
             "organization": "Tỉnh ủy Đồng Nai", "province": "Đồng Nai", "mentions": 2},
            {"article_id": "seed-000", "name": "Nguyễn Hồng Hà", "title": "Phó Chủ tịch",
             "organization": "Ủy ban nhân dân tỉnh Bình Dương", "province": "Bình Dương", "mentions": 1},
        ],
        provinces=[
            {"article_id": "seed-000", "province": "Bình Dương", "province_2025": "Hồ Chí Minh",
             "code": "74", "code_2025": "79", "mentions": 3},
            {"article_id": "seed-000", "province": "Thừa Thiên Huế", "province_2025": "Huế",
             "code": "46", "code_2025": "46", "mentions": 1},
        ],
        agencies=[{"article_id": "seed-000", "agency": "Cục Viễn thông và Cơ yếu", "parent": "Bộ Công an",
                   "province": None, "mentions": 1}],
        legal_documents=[
            {"article_id": "seed-000", "doc_type": "Nghị quyết", "number": "56-NQ/TW",
             "issue_date": dt.date(2020, 3, 5), "issuer": "Bộ Chính trị", "title": None, "mentions": 3},
            {"article_id": "seed-000", "doc_type": "Luật", "number": None, "issue_date": None,
             "issuer": None, "title": "An ninh mạng", "mentions": 1},
        ],
        mentions=[
            {"article_id": "seed-000", "kind": "province", "text": "Hòa Bình", "start": 10, "end": 18,
             "canonical": "Hòa Bình"},
            {"article_id": "tin-2", "kind": "official", "text": "+84 Hà Nội", "start": 0, "end": 10,
             "canonical": "-1"},
        ],
        errors=[{"article_id": "a.jsonl:3", "stage": "read", "error": "a.jsonl line 3: not valid JSON"}],
    )
    return rows.to_tables()


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    ("+84 912 345 678", "'+84 912 345 678"),
    ("-Thời sự", "'-Thời sự"),
    ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
    ("\t=cmd", "'\t=cmd"),
    ("\r=cmd", "'\r=cmd"),
    ("=HYPERLINK(\"http://x\",\"Bấm vào đây\")", "'=HYPERLINK(\"http://x\",\"Bấm vào đây\")"),
    ("Nghị quyết 56-NQ/TW", "Nghị quyết 56-NQ/TW"),
    ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Sở GD&ĐT", "Sở GD&ĐT"),
    ("", ""),
    (" =không phải công thức", " =không phải công thức"),
    (-5, -5),
    (3.5, 3.5),
    (None, None),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_csv_frame_neutralises_text_formats_dates_and_keeps_numbers():
    df = pd.DataFrame({
        "text": ["=cmd()", "Hà Nội", None],
        "number": pd.array([-1, 2, None], dtype="Int64"),
        "when": [dt.date(2020, 3, 5), None, dt.datetime(2025, 7, 1, 9, 30)],
        "stamp": pd.to_datetime(["2023-10-03 15:00", None, "2020-08-11 00:00"]),
    })
    out = csv_frame(df)
    assert list(out["text"][:2]) == ["'=cmd()", "Hà Nội"] and pd.isna(out["text"][2])
    assert list(out["number"][:2]) == [-1, 2]
    assert list(out["when"])[0::2] == ["2020-03-05", "2025-07-01T09:30:00"]
    assert list(out["stamp"])[0] == "2023-10-03T15:00:00" and pd.isna(out["stamp"][1])
    assert df["text"][0] == "=cmd()"  # the input is untouched


def test_write_tables_writes_every_table_in_every_format(tmp_path):
    written = write_tables(sample_tables(), tmp_path / "out")
    assert written == [tmp_path / "out" / f"{name}.{fmt}" for name in TABLE_NAMES for fmt in ("csv", "parquet")]
    assert all(path.is_file() for path in written)
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


def test_csv_has_bom_one_header_and_contract_columns(tmp_path):
    write_tables(sample_tables(), tmp_path, formats=("csv",))
    for name in TABLE_NAMES:
        data = (tmp_path / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        header = next(csv.reader(data.decode("utf-8-sig").splitlines()))
        assert header[: len(COLUMNS[name])] == COLUMNS[name]
    assert not (tmp_path / "articles.parquet").exists()


def test_csv_round_trips_vietnamese_and_neutralises_formulas(tmp_path):
    write_tables(sample_tables(), tmp_path, formats=("csv",))
    officials = pd.read_csv(tmp_path / "officials.csv", encoding="utf-8-sig")
    assert list(officials["name"]) == ["Hồ Văn Sơn", "Nguyễn Hồng Hà"]
    assert officials["organization"][1] == "Ủy ban nhân dân tỉnh Bình Dương"
    assert list(officials["mentions"]) == [2, 1]
    articles = pd.read_csv(tmp_path / "articles.csv", encoding="utf-8-sig", keep_default_na=False)
    assert articles["title"][1] == "'=HYPERLINK(\"http://evil\",\"bấm\")"
    assert articles["author"][1] == "'@tác_giả"
    assert articles["category"][1] == "'-Thời sự"
    assert list(articles["n_chars"]) == [9103, 12]
    documents = pd.read_csv(tmp_path / "legal_documents.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(documents["issue_date"]) == ["2020-03-05", ""]
    assert list(documents["number"]) == ["56-NQ/TW", ""]
    provinces = pd.read_csv(tmp_path / "provinces.csv", encoding="utf-8-sig", dtype=str)
    assert list(provinces["code"]) == ["74", "46"]
    mentions = pd.read_csv(tmp_path / "mentions.csv", encoding="utf-8-sig", dtype=str)
    assert list(mentions["text"]) == ["Hòa Bình", "'+84 Hà Nội"]
    assert list(mentions["canonical"]) == ["Hòa Bình", "'-1"]


def test_parquet_keeps_raw_values(tmp_path):
    tables = sample_tables()
    write_tables(tables, tmp_path, formats=["parquet"])
    articles = pd.read_parquet(tmp_path / "articles.parquet")
    assert articles["title"][1] == "=HYPERLINK(\"http://evil\",\"bấm\")"
    assert list(articles.columns[: len(COLUMNS["articles"])]) == COLUMNS["articles"]
    officials = pd.read_parquet(tmp_path / "officials.parquet")
    pd.testing.assert_frame_equal(officials, tables.officials, check_dtype=False)
    assert str(officials["mentions"].dtype) == "Int64"
    documents = pd.read_parquet(tmp_path / "legal_documents.parquet")
    assert documents["issue_date"][0] == dt.date(2020, 3, 5)


def test_empty_tables_are_written_with_their_columns(tmp_path):
    write_tables(Tables.empty(), tmp_path)
    for name in TABLE_NAMES:
        assert list(pd.read_csv(tmp_path / f"{name}.csv", encoding="utf-8-sig").columns) == COLUMNS[name]
        assert list(pd.read_parquet(tmp_path / f"{name}.parquet").columns) == COLUMNS[name]


def test_tables_are_overwritten_on_a_second_run(tmp_path):
    write_tables(sample_tables(), tmp_path, formats=("csv",))
    write_tables(Tables.empty(), tmp_path, formats=("csv",))
    assert pd.read_csv(tmp_path / "officials.csv", encoding="utf-8-sig").empty


@pytest.mark.parametrize("formats, expected", [
    (["csv"], ("csv",)),
    (["parquet", "CSV", "csv"], ("parquet", "csv")),
    ([" csv ", ""], ("csv",)),
])
def test_check_formats(formats, expected):
    assert check_formats(formats) == expected


@pytest.mark.parametrize("formats", [["xlsx"], ["csv", "json"], [], [""]])
def test_unknown_formats_are_refused_before_writing(tmp_path, formats):
    with pytest.raises(ValueError, match="choose from csv, parquet"):
        write_tables(sample_tables(), tmp_path / "out", formats=formats)
    assert not (tmp_path / "out").exists()


# --- streaming: parts of a table written one after the other -----------------------------------


@pytest.mark.parametrize("chunk_rows", [1, 2, 1000])
@pytest.mark.parametrize("name", TABLE_NAMES)
def test_a_table_streamed_part_by_part_is_the_table_written_whole(tmp_path, name, chunk_rows):
    import pyarrow as pa

    from extract.parts import conform, unify_schemas
    from extract.tables import frame
    from extract.writers import TableStreamWriter

    tables = sample_tables()
    whole = getattr(tables, name)
    write_tables(tables, tmp_path / "whole")
    rows = whole.astype(object).where(whole.notna(), None).to_dict("records")
    # one part per row: columns empty in one part are Arrow null there, as in a real batch without values
    parts = [pa.Table.from_pandas(frame(name, [row]), preserve_index=False) for row in rows] or \
        [pa.Table.from_pandas(frame(name, []), preserve_index=False)]
    schema = unify_schemas(part.schema for part in parts)
    with TableStreamWriter(tmp_path / name, schema, ("csv", "parquet"), chunk_rows=chunk_rows) as stream:
        for part in parts:
            stream.write(conform(part, schema))
    assert (tmp_path / f"{name}.csv").read_bytes() == (tmp_path / "whole" / f"{name}.csv").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / f"{name}.parquet"))
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_stream_that_fails_leaves_no_file(tmp_path):
    import pyarrow as pa

    from extract.writers import TableStreamWriter

    schema = pa.schema([("article_id", pa.string())])
    with pytest.raises(RuntimeError):
        with TableStreamWriter(tmp_path / "articles", schema) as stream:
            stream.write(pa.table({"article_id": ["a"]}, schema=schema))
            raise RuntimeError("dừng giữa chừng")
    assert list(tmp_path.iterdir()) == []
