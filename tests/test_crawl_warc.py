"""WARC files: the crawl writes them (--warc), read_warc reads them (the crawl's, or CC-NEWS-like ones)."""

from __future__ import annotations

import gzip
import io
import re
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawl_server import CrawlServer, article_page, encode_cp1258, listing_page, sitemap
from extract.crawl import crawl, read_archive, read_warc
from extract.crawl.crawler import CrawlOptions
from extract.crawl.fetcher import FetchConfig, Response
from extract.crawl.warc import WarcOutput, repair, warc_reader
from extract.html import HtmlParser
from extract.pipeline import article_id
from extract.readers import ReadFailure, ReadOptions

SHARED_HTML = Path(__file__).resolve().parents[1].parent / "shared" / "html"
TITLE = "Sơn La nâng cao hiệu quả hoạt động cơ yếu"
COMPARED = ("id", "url", "title", "published", "author", "category", "lead", "text")


@pytest.fixture(scope="module")
def parser() -> HtmlParser:
    return HtmlParser()


def _synthetic_site(server: CrawlServer) -> str:
    urls = [server.add(f"/tin/bai-{n}-2023{n:04d}.html", article_page(f"{TITLE} {n}", "2023-10-03T15:00:00+07:00"))
            for n in range(3)]
    urls.append(server.add("/tin/cp1258-20239999.html",
                           encode_cp1258(article_page(f"{TITLE} (mã cũ)", "2023-10-04T08:00:00+07:00",
                                                      charset="windows-1258")),
                           content_type="text/html; charset=windows-1258"))
    urls.append(server.add("/chuyen-muc", listing_page("Chuyên mục", [("/tin/bai-0-20230000.html", "Tin")])))
    return server.add("/sitemap.xml", sitemap([(url, None) for url in urls]), content_type="application/xml")


def _shared_site(server: CrawlServer) -> str:
    if not SHARED_HTML.is_dir():
        pytest.skip("../shared/html is absent")
    names = sorted(p.name for p in SHARED_HTML.glob("*.html"))          # articles and listing pages
    urls = [server.add(f"/trang/{name}", (SHARED_HTML / name).read_bytes()) for name in names]
    return server.add("/sitemap.xml", sitemap([(url, None) for url in urls]), content_type="application/xml")


@pytest.mark.parametrize("site, articles", [(_synthetic_site, 4), (_shared_site, 11)], ids=["synthetic", "shared"])
def test_warc_round_trip(tmp_path, parser, site, articles):
    with CrawlServer() as server:
        seed = site(server)
        options = CrawlOptions(warc=tmp_path / "out.warc.gz", fetch=FetchConfig(delay=0, timeout=5))
        stats = crawl([seed], tmp_path / "a.sqlite", options, parser=parser)
    assert stats.articles == articles
    from_archive = {record["id"]: record for record in read_archive(tmp_path / "a.sqlite")}
    from_warc = list(read_warc(tmp_path / "out.warc.gz"))
    assert all(isinstance(item, dict) for item in from_warc)
    assert {item["id"]: {k: item[k] for k in COMPARED} for item in from_warc} == \
        {key: {k: record[k] for k in COMPARED} for key, record in from_archive.items()}
    with gzip.open(tmp_path / "out.warc.gz", "rb") as stream:                     # well-formed gzip throughout
        data = stream.read()
    assert data.count(b"WARC-Type: request") == data.count(b"WARC-Type: response") == stats.pages + stats.documents
    assert data.count(b"WARC-Type: warcinfo") == 1


def _response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Response:
    return Response(url=url, final_url=url, status=status, content=body, fetched_at="2023-10-03T08:00:00+00:00",
                    headers=(("Content-Type", content_type), ("Content-Encoding", "gzip")),
                    request_headers=(("User-Agent", "vnextract-test"),))


def test_a_half_written_last_record_is_cut_off_when_the_file_is_opened_again(tmp_path):
    path = tmp_path / "out.warc.gz"
    with WarcOutput(path) as out:
        out.write(_response("http://127.0.0.1:9/tin/a-12345.html", article_page(TITLE, "2023-10-03").encode()))
        out.write(_response("http://127.0.0.1:9/tin/b-12346.html", article_page(TITLE + " 2", "2023-10-03").encode()))
    whole = path.read_bytes()
    path.write_bytes(whole[:-200])                                              # killed while writing
    with WarcOutput(path) as out:
        out.write(_response("http://127.0.0.1:9/tin/c-12347.html", article_page(TITLE + " 3", "2023-10-03").encode()))
    items = list(read_warc(path))
    assert [item["title"] for item in items] == [TITLE, TITLE + " 3"]
    assert repair(path) == 0


def _warc_record(writer: WARCWriter, uri: str, body: bytes, headers: list[tuple[str, str]], status: str = "200 OK",
                 record_type: str = "response"):
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    return writer.create_warc_record(uri, record_type, payload=io.BytesIO(body), length=len(body), http_headers=http)


def test_read_warc_reads_cc_news_like_files(tmp_path):
    """Gzip-encoded payloads, a legacy charset, non-HTML, errors, listings, repeats and a truncated end."""
    path = tmp_path / "CC-NEWS-20231003.warc.gz"
    article = article_page(TITLE, "2023-10-03T15:00:00+07:00", canonical="https://bcy.gov.vn/tin/son-la-12345.html")
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/tin/son-la-12345.html?utm_source=rss",
                                         gzip.compress(article.encode()),
                                         [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]))
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/tin/son-la-12345.html", article.encode(),
                                         [("Content-Type", "text/html")]))           # the same article again
        legacy = encode_cp1258(article_page("Đồng Nai tăng cường cơ yếu", "2023-10-02", charset="windows-1258"))
        writer.write_record(_warc_record(writer, "http://tinh.vn/dong-nai-5678.html", legacy,
                                         [("Content-Type", "text/html; charset=windows-1258")]))
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/anh.jpg", b"\xff\xd8\xff",
                                         [("Content-Type", "image/jpeg")]))
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/mat", b"<html>404</html>",
                                         [("Content-Type", "text/html")], status="404 Not Found"))
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/tin-tuc", listing_page("Tin", []).encode(),
                                         [("Content-Type", "text/html")]))
    complete = path.stat().st_size
    with open(path, "ab") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(_warc_record(writer, "https://bcy.gov.vn/tin/cut-99999.html", article.encode(),
                                         [("Content-Type", "text/html")]))
    path.write_bytes(path.read_bytes()[: complete + 600])                     # the last record is cut short

    items = list(read_warc(path))
    records = [item for item in items if isinstance(item, dict)]
    failures = [item for item in items if isinstance(item, ReadFailure)]
    assert [r["title"] for r in records] == [TITLE, "Đồng Nai tăng cường cơ yếu"]
    assert records[0]["url"] == "https://bcy.gov.vn/tin/son-la-12345.html"
    assert records[0]["id"] == article_id({"url": "https://bcy.gov.vn/tin/son-la-12345.html"})
    assert "Phó Bí thư Thường trực Tỉnh ủy Đồng Nai" in records[1]["text"]
    assert len(failures) == 1 and "truncated" in failures[0].error and str(path) in failures[0].error


@pytest.mark.parametrize("content, message", [
    (b"this is not a WARC file\n" * 20, "not a WARC file"),
    (b"\x1f\x8b\x08\x00" + b"\xff" * 100, "broken gzip"),
    (gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort"), "truncated|damaged"),
])
def test_a_damaged_warc_is_one_failure(tmp_path, content, message):
    path = tmp_path / "hong.warc.gz"
    path.write_bytes(content)
    items = list(warc_reader(path, ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], ReadFailure)
    assert re.search(message, items[0].error) and str(path) in items[0].error


def test_a_missing_warc_is_one_failure(tmp_path):
    items = list(read_warc(tmp_path / "khong-co.warc.gz"))
    assert len(items) == 1 and "no such file" in items[0].error


def test_since_and_warc_together(tmp_path, parser):
    with CrawlServer() as server:
        new = server.add("/tin/moi-12345.html", article_page(TITLE, "2023-10-03T15:00:00+07:00"))
        old = server.add("/tin/cu-12346.html", article_page(TITLE + " cũ", "2022-10-03T15:00:00+07:00"))
        seed = server.add("/sitemap.xml", sitemap([(new, None), (old, None)]), content_type="application/xml")
        options = CrawlOptions(since=date(2023, 1, 1), warc=tmp_path / "w.warc.gz", fetch=FetchConfig(delay=0))
        stats = crawl([seed], tmp_path / "a.sqlite", options, parser=parser)
        assert (stats.articles, stats.pages, stats.skipped) == (1, 2, 1)
        assert [r["title"] for r in read_archive(tmp_path / "a.sqlite")] == [TITLE]
        # a later run without --since takes the old article from the archive, without fetching it again
        again = crawl([seed], tmp_path / "a.sqlite", CrawlOptions(fetch=FetchConfig(delay=0)), parser=parser)
        assert server.count("/tin/cu-12346.html") == 1 and again.pages == 0
    assert sorted(r["title"] for r in read_archive(tmp_path / "a.sqlite")) == [TITLE, TITLE + " cũ"]
