"""extract.export: the Excel workbook and the data dictionary; extract.explore.results: reading results back."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from extract.explore.results import load_results
from extract.export import (DICTIONARY_SHEET, FONT_NAME, MAX_WIDTH, README, add_parser, export_xlsx,
                            load_data_dictionary, run, write_data_dictionary)
from extract.tables import COLUMNS, TABLE_NAMES, Rows, Tables
from extract.writers import write_tables

UBND = "Ủy ban nhân dân tỉnh Bình Dương"
FORMULA = '=HYPERLINK("http://evil.example","bấm vào đây")'


def tables() -> Tables:
    return Rows(
        articles=[
            {"article_id": "seed-003", "url": "https://bcy.gov.vn/a.htm", "source": "bcy.gov.vn",
             "title": "Công tác cơ yếu tại Sơn La", "published": "2023-10-03T15:00:00+07:00",
             "author": "Nguyễn Ngoan", "category": None, "n_chars": 9103, "text_sha1": "7469f7b25a801fa0"},
            {"article_id": "0042", "url": None, "source": None, "title": FORMULA, "published": None,
             "author": "@tác_giả", "category": "-Thời sự", "n_chars": 12, "text_sha1": None},
        ],
        officials=[
            {"article_id": "seed-003", "name": "Nguyễn Hồng Hà", "title": "Phó Chủ tịch", "organization": UBND,
             "province": "Bình Dương", "mentions": 2},
            {"article_id": "seed-003", "name": "Nguyễn Hồng Hà", "title": "Ủy viên Ban Thường vụ",
             "organization": "Tỉnh ủy Bình Dương", "province": "Bình Dương", "mentions": 2},
        ],
        provinces=[{"article_id": "seed-003", "province": "Bình Dương", "province_2025": "Hồ Chí Minh",
                    "code": "74", "code_2025": "79", "mentions": 3},
                   {"article_id": "0042", "province": "Hà Nội", "province_2025": "Hà Nội",
                    "code": "01", "code_2025": "01", "mentions": 1}],
        agencies=[{"article_id": "seed-003", "agency": UBND, "parent": None, "province": "Bình Dương",
                   "mentions": 1, "kind": "local government"}],
        legal_documents=[{"article_id": "seed-003", "doc_type": "Nghị định", "number": "53/2022/NĐ-CP",
                          "issue_date": "2022-08-15", "issuer": "Chính phủ", "title": None, "mentions": 2,
                          "year": None, "issuer_inferred": False}],
        mentions=[{"article_id": "seed-003", "kind": "official", "text": "+84 ông Hà\x07", "start": 10,
                   "end": 20, "canonical": "Nguyễn Hồng Hà"},
                  {"article_id": "seed-003", "kind": "agency", "text": "UBND tỉnh", "start": 30, "end": 39,
                   "canonical": UBND}],
        errors=[{"article_id": "bad:3", "stage": "read", "error": "x" * 40_000}],
    ).to_tables()


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    return export_xlsx(tables(), tmp_path / "out" / "tables.xlsx")


def header(sheet) -> list:
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def test_every_table_is_a_sheet_with_frozen_filtered_header(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert set(TABLE_NAMES) | {DICTIONARY_SHEET} == set(book.sheetnames)
    source = tables()
    for name in TABLE_NAMES:
        sheet = book[name]
        df = getattr(source, name)
        assert header(sheet) == list(df.columns)
        assert header(sheet)[:len(COLUMNS[name])] == COLUMNS[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(df.columns)).column_letter}{len(df) + 1}"
        assert sheet.max_row == len(df) + 1
        assert next(sheet.iter_rows(max_row=1))[0].font.b


def test_vietnamese_text_dates_numbers_and_font(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    officials = book["officials"]
    assert officials["D2"].value == UBND
    assert officials["D2"].font.name == FONT_NAME
    articles = book["articles"]
    published = articles["E2"]
    assert published.value == dt.datetime(2023, 10, 3, 15, 0)  # local time kept, zone dropped
    assert published.is_date
    assert articles["E3"].value is None
    assert articles["H2"].value == 9103
    issue = book["legal_documents"]["D2"]
    assert issue.is_date and issue.value.date() == dt.date(2022, 8, 15)
    assert book["provinces"]["D3"].value == "01"  # codes stay text
    assert book["legal_documents"]["I2"].value is False


def test_formula_like_text_stays_text(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    for cell, expected in ((book["articles"]["D3"], FORMULA), (book["articles"]["F3"], "@tác_giả"),
                           (book["articles"]["G3"], "-Thời sự"), (book["mentions"]["C2"], "+84 ông Hà")):
        assert cell.value == expected
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_unusable_text_is_cleaned_not_fatal(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert book["mentions"]["C2"].value == "+84 ông Hà"  # the control character is dropped
    error = book["errors"]["C2"].value
    assert len(error) == 32_767 and error.endswith("[…]")


def test_column_widths_follow_content_and_are_capped(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["officials"]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in next(sheet.iter_rows(max_row=1))}
    assert widths["organization"] >= len(UBND)
    assert widths["mentions"] < widths["organization"]
    errors = load_workbook(workbook_path)["errors"]
    assert errors.column_dimensions["C"].width == MAX_WIDTH


def test_dictionary_sheet_lists_every_column(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)[DICTIONARY_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("table", "column", "type", "meaning")
    listed = {(table, column): meaning for table, column, _, meaning in rows[1:]}
    for table, columns in COLUMNS.items():
        assert listed.get((table, None)), f"{table} has no description"
        for column in columns:
            assert listed.get((table, column)), f"{table}.{column} is not described"
    assert ("agencies", "kind") in listed and ("legal_documents", "issuer_inferred") in listed
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_long_tables_continue_on_more_sheets(tmp_path: Path) -> None:
    book = load_workbook(export_xlsx(tables(), tmp_path / "t.xlsx", max_rows_per_sheet=1))
    assert "mentions (2)" in book.sheetnames and "mentions (3)" not in book.sheetnames
    assert book["mentions (2)"]["D2"].value == 30  # start of the second mention
    assert header(book["mentions (2)"]) == COLUMNS["mentions"]
    assert book["errors"].max_row == 2 and "errors (2)" not in book.sheetnames


def test_empty_tables_give_header_only_sheets(tmp_path: Path) -> None:
    book = load_workbook(export_xlsx(Tables.empty(), tmp_path / "empty.xlsx"))
    for name in TABLE_NAMES:
        assert header(book[name]) == COLUMNS[name]
        assert book[name].max_row == 1


def test_data_dictionary_covers_every_contract_column() -> None:
    dictionary = load_data_dictionary()
    for table, columns in COLUMNS.items():
        assert dictionary.description(table)
        assert [doc.column for doc in dictionary.columns_of(table)][:len(columns)] == columns


def test_malformed_dictionary_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "d.csv"
    bad.write_text("table,column,type,meaning\narticles,url,money,the address\n", encoding="utf-8")
    with pytest.raises(ValueError, match="money"):
        load_data_dictionary(bad)
    bad.write_text("table,column,type,meaning\nposts,url,text,the address\n", encoding="utf-8")
    with pytest.raises(ValueError, match="posts"):
        load_data_dictionary(bad)


def test_readme_explains_every_column(tmp_path: Path) -> None:
    path = write_data_dictionary(tmp_path)
    assert path == tmp_path / README
    text = path.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    assert set(sections) == set(TABLE_NAMES)
    for table, columns in COLUMNS.items():
        described = dict(re.findall(r"^\| `(\w+)` \| \w+ \| (.+) \|$", sections[table], flags=re.M))
        for column in columns:
            assert described.get(column, "").strip(), f"{table}.{column} missing from README.md"
    assert UBND in text or "Ủy ban nhân dân" in text  # Vietnamese written as UTF-8


# --- reading a results folder back ------------------------------------------------------------


@pytest.mark.parametrize("formats", [("csv",), ("parquet",), ("csv", "parquet")])
def test_load_results_round_trips(tmp_path: Path, formats: tuple[str, ...]) -> None:
    write_tables(tables(), tmp_path, formats)
    loaded = load_results(tmp_path)
    source = tables()
    for name in TABLE_NAMES:
        got, want = getattr(loaded, name), getattr(source, name)
        assert list(got.columns) == list(want.columns)
        assert len(got) == len(want)
    assert loaded.articles.loc[1, "title"] == FORMULA  # the CSV's apostrophe is undone
    assert loaded.articles.loc[1, "article_id"] == "0042"
    assert loaded.provinces.loc[1, "code"] == "01"
    assert loaded.officials["mentions"].dtype == "Int64"
    assert loaded.officials.loc[0, "organization"] == UBND
    assert bool(loaded.legal_documents.loc[0, "issuer_inferred"]) is False


def test_load_results_names_what_is_missing(tmp_path: Path) -> None:
    write_tables(tables(), tmp_path, ("csv",))
    (tmp_path / "errors.csv").unlink()
    with pytest.raises(FileNotFoundError, match="errors.parquet or errors.csv"):
        load_results(tmp_path)
    with pytest.raises(FileNotFoundError, match="no results folder"):
        load_results(tmp_path / "nowhere")


# --- vnextract export -------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vnextract")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_export_command_writes_workbook_and_readme(tmp_path: Path, capsys) -> None:
    results = tmp_path / "results"
    write_tables(tables(), results, ("csv", "parquet"))
    target = tmp_path / "book.xlsx"
    args = parse(["export", str(results), "--xlsx", str(target)])
    assert args.handler(args) == 0
    assert load_workbook(target)["officials"]["D2"].value == UBND
    assert (results / README).is_file()
    assert str(target) in capsys.readouterr().out
    assert not list(tmp_path.rglob(".*.tmp"))


def test_export_command_default_workbook_is_in_the_folder(tmp_path: Path) -> None:
    write_tables(tables(), tmp_path, ("csv",))
    assert run(parse(["export", str(tmp_path)])) == 0
    assert set(load_workbook(tmp_path / "tables.xlsx").sheetnames) >= set(TABLE_NAMES)


def test_export_command_usage_errors(tmp_path: Path) -> None:
    from extract.cli import UsageError

    with pytest.raises(UsageError, match="no such results folder"):
        run(parse(["export", str(tmp_path / "nowhere")]))
    with pytest.raises(UsageError, match="articles.parquet or articles.csv"):
        run(parse(["export", str(tmp_path)]))
    write_tables(tables(), tmp_path, ("csv",))
    with pytest.raises(UsageError, match=r"\.xlsx"):
        run(parse(["export", str(tmp_path), "--xlsx", str(tmp_path / "book.csv")]))


def test_dates_in_parquet_are_dates_in_the_workbook(tmp_path: Path) -> None:
    source = tables()
    source.articles["published"] = pd.to_datetime(["2024-04-18 10:30", None])
    book = load_workbook(export_xlsx(source, tmp_path / "d.xlsx"))
    assert book["articles"]["E2"].value == dt.datetime(2024, 4, 18, 10, 30)
