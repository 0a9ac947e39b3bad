"""extract.readers: every record comes out, every bad input is exactly one failure."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from extract.readers import ReadFailure, ReadOptions, read_file, canonical_url, file_stem, read_inputs, reader_for, url_article_id

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

GOOD_BEFORE = {"id": "vn-1", "title": "Hội nghị Tỉnh ủy Đồng Nai",
               "text": "Đồng chí Hồ Văn Sơn, Phó Bí thư Thường trực Tỉnh ủy Đồng Nai, phát biểu."}
GOOD_AFTER = {"id": "vn-2", "title": "Sơn La triển khai Nghị quyết 56-NQ/TW",
              "body": "Phó Bí thư Thường trực Tỉnh ủy Sơn La Lò Minh Hùng chủ trì hội nghị."}


def jsonl_line(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def write_lines(path: Path, lines: list[bytes]) -> Path:
    data = b"\n".join(lines) + b"\n"
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def split(items) -> tuple[list[dict], list[ReadFailure]]:
    items = list(items)
    records = [item for item in items if isinstance(item, dict)]
    failures = [item for item in items if isinstance(item, ReadFailure)]
    assert len(records) + len(failures) == len(items)
    return records, failures


BAD_LINES = [
    pytest.param(b'{"id": "x", "title": "Ch\xednh ph\xfa"}', "not UTF-8", "a.jsonl:2", id="latin-1 bytes"),
    pytest.param(b'{"id": "x", "title": "Th\xe1\xbb', "not UTF-8", "a.jsonl:2", id="truncated utf-8"),
    pytest.param('{"id": "y", "title": "Bộ Công an", '.encode(), "not valid JSON", "a.jsonl:2", id="broken json"),
    pytest.param(b"Th\xe1\xbb\xa7 t\xc6\xb0\xe1\xbb\x9bng Ch\xc3\xadnh ph\xe1\xbb\xa7", "not valid JSON",
                 "a.jsonl:2", id="plain text"),
    pytest.param(jsonl_line(["Hà Nội", "Huế"]), "expected a JSON object, found an array", "a.jsonl:2",
                 id="array"),
    pytest.param(jsonl_line("Thủ tướng Chính phủ"), "expected a JSON object, found a string", "a.jsonl:2",
                 id="string"),
    pytest.param(jsonl_line(None), "found null", "a.jsonl:2", id="null"),
    pytest.param(jsonl_line({"id": "rỗng", "title": "", "lead": " ", "text": ""}), "has no text", "rỗng",
                 id="empty text"),
    pytest.param(jsonl_line({"id": "chỉ-id"}), "has no text", "chỉ-id", id="no text fields"),
    pytest.param(jsonl_line({"id": "dài", "text": "Ủy ban nhân dân " * 700_000}), "more than the limit",
                 "dài", id="10 MB article"),
    pytest.param(jsonl_line({"id": "số", "title": "Luật", "text": 56}), "field 'text' must be a string", "số",
                 id="number as text"),
    pytest.param(jsonl_line({"id": ["a"], "text": "Hà Nội"}), "field 'id' must be a string", "a.jsonl:2",
                 id="list as id"),
]


@pytest.mark.parametrize("bad, message, failure_id", BAD_LINES)
@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz", "a.json"])
def test_a_bad_line_is_one_failure_and_its_neighbours_survive(tmp_path, name, bad, message, failure_id):
    path = write_lines(tmp_path / name, [jsonl_line(GOOD_BEFORE), bad, jsonl_line(GOOD_AFTER)])
    records, failures = split(read_inputs([path]))
    assert [r["id"] for r in records] == ["vn-1", "vn-2"]
    assert records[0] == GOOD_BEFORE
    assert records[1] == GOOD_AFTER
    assert len(failures) == 1
    failure = failures[0]
    assert failure.stage == "read"
    assert message in failure.error
    assert failure.article_id == failure_id.replace("a.jsonl", name)
    assert f"{path} line 2" in failure.error


def test_max_chars_is_configurable(tmp_path):
    short = {"id": "ngắn", "title": "Tin ngắn", "text": "Bộ Tư pháp họp báo."}
    path = write_lines(tmp_path / "a.jsonl", [jsonl_line(short), jsonl_line(GOOD_BEFORE)])
    records, failures = split(read_inputs([path], max_chars=40))
    assert [r["id"] for r in records] == ["ngắn"]
    assert [f.article_id for f in failures] == ["vn-1"]
    assert "more than the limit of 40" in failures[0].error


def test_a_line_too_long_to_parse_is_skipped_without_loading_the_rest(tmp_path):
    huge = b'{"id": "x", "text": "' + b"a" * 3_000_000 + b'"}'
    path = write_lines(tmp_path / "a.jsonl", [jsonl_line(GOOD_BEFORE), huge, jsonl_line(GOOD_AFTER)])
    records, failures = split(read_file(path, ReadOptions(max_chars=1000, max_line_bytes=100_000)))
    assert [r["id"] for r in records] == ["vn-1", "vn-2"]
    assert [f.article_id for f in failures] == ["a.jsonl:2"]
    assert "line longer than" in failures[0].error


def test_blank_lines_crlf_and_a_byte_order_mark_are_fine(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl_line(GOOD_BEFORE) + b"\r\n\r\n   \n" + jsonl_line(GOOD_AFTER))
    records, failures = split(read_inputs([path]))
    assert records == [GOOD_BEFORE, GOOD_AFTER]
    assert failures == []


def test_a_line_separator_inside_a_string_does_not_split_the_record(tmp_path):
    record = {"id": "ls", "text": "Quốc hội\u2028thông qua Luật Đất đai\u0085năm 2024."}
    path = write_lines(tmp_path / "a.jsonl", [jsonl_line(record)])
    assert list(read_inputs([path])) == [record]


@pytest.mark.parametrize("record, expected_id", [
    ({"title": "Hà Nội", "url": "https://baochinhphu.vn/a-102.htm"},
     hashlib.sha1(b"https://baochinhphu.vn/a-102.htm").hexdigest()),
    ({"title": "Hà Nội", "url": "HTTPS://BaoChinhPhu.vn:443/a-102.htm?utm_source=fb#top"},
     hashlib.sha1(b"https://baochinhphu.vn/a-102.htm").hexdigest()),
    ({"title": "Hà Nội", "id": "", "url": ""}, "tin:1"),
    ({"title": "Hà Nội", "id": None}, "tin:1"),
    ({"title": "Hà Nội", "id": 22471242}, "22471242"),
    ({"title": "Hà Nội", "id": "  baomoi-1 "}, "baomoi-1"),
])
def test_records_get_a_stable_id(tmp_path, record, expected_id):
    path = write_lines(tmp_path / "tin.jsonl.gz", [jsonl_line(record)])
    (out,) = read_inputs([path])
    assert out["id"] == expected_id
    assert out["title"] == "Hà Nội"


@pytest.mark.parametrize("url, canonical", [
    ("https://vnexpress.net/thu-tuong-4700000.html", "https://vnexpress.net/thu-tuong-4700000.html"),
    ("HTTP://Dantri.com.vn:80/xa-hoi.htm#binh-luan", "http://dantri.com.vn/xa-hoi.htm"),
    ("https://tuoitre.vn/a.htm?utm_medium=social&id=5&fbclid=x", "https://tuoitre.vn/a.htm?id=5"),
    ("https://nld.com.vn:8443/a.htm", "https://nld.com.vn:8443/a.htm"),
    ("https://plo.vn", "https://plo.vn/"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical
    assert url_article_id(url) == hashlib.sha1(canonical.encode()).hexdigest()


def test_records_are_read_lazily(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [jsonl_line(GOOD_BEFORE), jsonl_line(GOOD_AFTER)])
    items = read_inputs([path, tmp_path / "missing.jsonl"])
    assert next(items) == GOOD_BEFORE
    path.unlink()  # the open file keeps its content; the missing one is only looked at when reached
    assert next(items) == GOOD_AFTER
    assert isinstance(next(items), ReadFailure)


@pytest.mark.parametrize("name, content, message, failure_id", [
    ("missing.jsonl", None, "no such file", "missing.jsonl"),
    ("notes.txt", b"Chinh phu", "unknown file type", "notes.txt"),
    ("archive.jsonl.gz", b"this is not gzip\n", "cannot read file", "archive.jsonl.gz:1"),
])
def test_a_bad_file_is_one_failure_and_the_next_file_is_read(tmp_path, name, content, message, failure_id):
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    good = write_lines(tmp_path / "good.jsonl", [jsonl_line(GOOD_AFTER)])
    records, failures = split(read_inputs([bad, good]))
    assert records == [GOOD_AFTER]
    assert len(failures) == 1
    assert failures[0].article_id == failure_id
    assert message in failures[0].error and str(bad) in failures[0].error


def test_a_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path):
    lines = [jsonl_line({"id": f"tin-{i}", "text": f"Ủy ban nhân dân tỉnh Lạng Sơn họp lần {i}. " * 20})
             for i in range(200)]
    path = write_lines(tmp_path / "a.jsonl.gz", lines)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    records, failures = split(read_inputs([path]))
    assert 0 < len(records) < 200
    assert [r["id"] for r in records] == [f"tin-{i}" for i in range(len(records))]
    assert len(failures) == 1 and "cannot read file" in failures[0].error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_file_without_read_permission_is_one_failure(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", [jsonl_line(GOOD_BEFORE)])
    path.chmod(0)
    records, failures = split(read_inputs([path]))
    assert records == [] and len(failures) == 1 and "cannot read file" in failures[0].error


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_fails_to_read_is_one_failure(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.symlink_to("/proc/self/mem")  # opens, then every read fails with EIO, even for root
    good = write_lines(tmp_path / "good.jsonl", [jsonl_line(GOOD_AFTER)])
    records, failures = split(read_inputs([broken, good]))
    assert records == [GOOD_AFTER]
    assert len(failures) == 1 and "cannot read file" in failures[0].error
    assert failures[0].article_id == "broken.jsonl:1"


def test_a_directory_gives_its_supported_files_sorted(tmp_path):
    write_lines(tmp_path / "b.jsonl", [jsonl_line({"id": "b", "title": "Bộ Ngoại giao"})])
    write_lines(tmp_path / "a.jsonl.gz", [jsonl_line({"id": "a", "title": "Bộ Tài chính"})])
    (tmp_path / "sub").mkdir()
    write_lines(tmp_path / "sub" / "c.json", [jsonl_line({"id": "c", "title": "Bộ Y tế"})])
    (tmp_path / "README.md").write_text("Không phải bài báo", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    write_lines(tmp_path / ".hidden" / "d.jsonl", [jsonl_line({"id": "d", "title": "ẩn"})])
    records, failures = split(read_inputs([tmp_path]))
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert failures == []


@pytest.mark.parametrize("name, stem, supported", [
    ("tin.jsonl", "tin", True), ("tin.JSONL.GZ", "tin", True), ("tin.json", "tin", True),
    ("bai-viet.html", "bai-viet", True), ("bai.viet.htm", "bai.viet", True),
    ("tin.csv", "tin", False), (".jsonl", ".jsonl", False),
])
def test_file_types(name, stem, supported):
    assert (reader_for(Path(name)) is not None) is supported
    assert file_stem(Path(name)) == stem


def test_read_failure_is_a_frozen_row():
    failure = ReadFailure("a.jsonl:3", "read", "a.jsonl line 3: not valid JSON")
    assert failure.to_row() == {"article_id": "a.jsonl:3", "stage": "read", "error": "a.jsonl line 3: not valid JSON"}
    assert "a.jsonl:3" in repr(failure)
    with pytest.raises(AttributeError):
        failure.error = "x"  # type: ignore[misc]


def test_max_chars_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="max_chars"):
        list(read_inputs([tmp_path], max_chars=0))


# --- HTML pages (need extract.html) ---------------------------------------------------------


def test_an_html_page_is_one_record_named_after_its_file():
    page = REPO / "corpus" / "html" / "tuyen-quang-cai-cach-hanh-chinh.html"
    (record,) = read_inputs([page])
    assert record["id"] == "tuyen-quang-cai-cach-hanh-chinh"
    assert record["url"] == "https://tin.example.org/thoi-su/tuyen-quang-day-manh-cai-cach-thu-tuc-hanh-chinh-1005.html"
    assert "Tuyên Quang" in record["title"]
    body = record.get("text") or record.get("body")
    assert "Quyết định số 468/QĐ-TTg" in body
    assert "Tin liên quan" not in body


def test_an_html_page_without_an_article_is_one_failure(tmp_path):
    empty = tmp_path / "trang-chu.html"
    empty.write_text("<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a>"
                     "</nav></body></html>", encoding="utf-8")
    good = write_lines(tmp_path / "z.jsonl", [jsonl_line(GOOD_AFTER)])
    records, failures = split(read_inputs([empty, good]))
    assert records == [GOOD_AFTER]
    assert [f.article_id for f in failures] == ["trang-chu"]
    assert str(empty) in failures[0].error


@pytest.mark.skipif(not (SHARED / "html").is_dir(), reason="../shared/html not available")
def test_real_listing_pages_fail_cleanly_and_article_pages_read():
    pages = [SHARED / "html" / "vnexpress_article.html", SHARED / "html" / "vnexpress_list.html"]
    items = list(read_inputs(pages))
    assert len(items) == 2
    assert isinstance(items[0], dict) and items[0]["id"] == "vnexpress_article"
    assert isinstance(items[1], ReadFailure) and items[1].article_id == "vnexpress_list"


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data not available")
def test_the_real_gzip_archive_reads_lazily():
    items = read_inputs([SHARED / "data" / "dantri-2020.jsonl.gz"])
    first = [next(items) for _ in range(50)]
    assert all(isinstance(item, dict) for item in first)
    assert all(item["id"] and item["url"].startswith("https://dantri.com.vn/") for item in first)
