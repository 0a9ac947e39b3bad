"""The crawler (extract.crawl) against real HTTP servers on 127.0.0.1 that misbehave.

Every server is tests/crawl_server.py's, started here on a free port; no test
touches any other address. Waits go through a fake clock (the crawler's
testing seam), so backoffs, Retry-After and Crawl-delay are checked exactly
without sleeping; timeouts are real and short.
"""

from __future__ import annotations

import gzip
import sqlite3
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from crawl_server import Act, CrawlServer, article_page, encode_cp1258, listing_page, sitemap
from extract.crawl import Archive, crawl, read_archive
from extract.crawl.archive import ArchiveError, archive_reader
from extract.crawl.command import main as crawl_main
from extract.crawl.crawler import CrawlOptions, CrawlStats
from extract.crawl.fetcher import DEFAULT_USER_AGENT, FetchConfig
from extract.crawl.seeds import canonical_url, looks_like_article, read_html_links, read_xml_links
from extract.html import HtmlParser
from extract.normalize import normalize_text
from extract.pipeline import article_id
from extract.readers import ReadFailure, ReadOptions

SHARED_HTML = Path(__file__).resolve().parents[1].parent / "shared" / "html"
needs_shared = pytest.mark.skipif(not SHARED_HTML.is_dir(), reason="../shared/html is absent")
TITLE = "Đồng Nai tăng cường công tác cơ yếu, bảo mật thông tin"
PUBLISHED = "2023-10-03T15:00:00+07:00"


class FakeClock:
    """The crawler's clock in tests: sleeping records the wait and moves time on at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def parser() -> HtmlParser:
    return HtmlParser()


@pytest.fixture
def server():
    with CrawlServer() as running:
        yield running


def run(seeds: str | list[str], archive: Path, parser: HtmlParser, clock: FakeClock | None = None,
        **options) -> CrawlStats:
    fetch = {name: options.pop(name) for name in list(options) if name in FetchConfig.__dataclass_fields__}
    config = FetchConfig(**{"delay": 0, "timeout": 2, "max_bytes": 1 << 20, **fetch})
    seeds = [seeds] if isinstance(seeds, str) else seeds
    return crawl(seeds, archive, CrawlOptions(fetch=config, **options), parser=parser, clock=clock or FakeClock())


def stored(archive: Path) -> dict[str, dict]:
    """Article records by title."""
    return {record["title"]: record for record in read_archive(archive)}


def frontier(archive: Path, url: str) -> tuple[str, str | None] | None:
    with Archive(archive, readonly=True) as opened:
        return opened.frontier_state(url)


# --- URLs and link discovery (no server) ------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://BaoChinhPhu.VN:443/a.htm?utm_source=fb&utm_medium=x#binh-luan", "https://baochinhphu.vn/a.htm"),
    ("https://bcy.gov.vn/tin?zarsrc=30&fbclid=abc&gclid=1&id=5", "https://bcy.gov.vn/tin?id=5"),
    ("https://x.vn/tin?page=2&cat=1", "https://x.vn/tin?cat=1&page=2"),
    ("http://127.0.0.1:8123/bài viết/Hà Nội.html",
     "http://127.0.0.1:8123/b%C3%A0i%20vi%E1%BA%BFt/H%C3%A0%20N%E1%BB%99i.html"),
    ("https://x.vn", "https://x.vn/"),
    ("javascript:void(0)", None),
    ("mailto:toasoan@x.vn", None),
    ("ftp://x.vn/a.html", None),
    ("", None),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_relative_links_resolve_against_the_page():
    page = "https://x.vn/chuyen-muc/trang-2"
    assert canonical_url("../tin/a-12345.html#top", page) == "https://x.vn/tin/a-12345.html"


@pytest.mark.parametrize("url, is_article", [
    ("https://baochinhphu.vn/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-102260228093004191.htm", True),
    ("https://plo.vn/vu-vay-ngan-hang-mua-biet-thu-post874715.html", True),
    ("https://bcy.gov.vn/dong-nai-binh-duong-binh-phuoc-tang-cuong-su-phoi-hop-cong-tac-co-yeu", True),
    ("https://baochinhphu.vn/chinh-tri.htm", False),
    ("https://vnexpress.net/kinh-doanh-p2", False),
    ("https://dantri.com.vn/kinh-doanh/trang-2.htm", False),
    ("https://tuoitre.vn/tag/hoi-nghi-trung-uong-lan-thu-muoi-ba-khoa-xiii-123456.htm", False),
])
def test_article_url_shapes(url, is_article):
    assert looks_like_article(url) is is_article


@needs_shared
@pytest.mark.parametrize("name, page_url, pages", [
    ("dantri_list.html", "https://dantri.com.vn/kinh-doanh.htm", ["https://dantri.com.vn/kinh-doanh/trang-2.htm"]),
    ("vnexpress_list.html", "https://vnexpress.net/kinh-doanh", ["https://vnexpress.net/kinh-doanh-p2"]),
    ("vietnamnet_list.html", "https://vietnamnet.vn/kinh-doanh", ["https://vietnamnet.vn/kinh-doanh-page2"]),
    ("baochinhphu_list.html", "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm", []),
])
def test_real_listing_pages_give_articles_and_pagination(name, page_url, pages):
    from extract.html import decode_html

    links = read_html_links(decode_html((SHARED_HTML / name).read_bytes()), page_url)
    kinds = {link.url: link.kind for link in links}
    for url in pages:
        assert kinds.get(url) == "pagination"
    articles = [url for url, kind in kinds.items() if kind == "article"]
    assert len(articles) >= 15
    site = page_url.split("/")[2]
    assert all(url.split("/")[2] == site for url in kinds)            # same site only
    assert not any(url.endswith((".png", ".jpg", ".css", ".js")) for url in kinds)


FEEDS = {
    "rss": ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Thời sự</title>'
            '<item><title>Tin 1</title><link>https://x.vn/tin-1-12345.html?utm_source=rss</link>'
            '<pubDate>Tue, 03 Oct 2023 15:00:00 +0700</pubDate></item>'
            '<item><title>Tin 2</title><guid>https://x.vn/tin-2-12346.html</guid>'
            '<pubDate>Mon, 02 Oct 2023 08:00:00 GMT</pubDate></item></channel></rss>'),
    "atom": ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>'
             '<entry><title>Tin 1</title><link rel="alternate" href="https://x.vn/tin-1-12345.html"/>'
             '<published>2023-10-03T15:00:00+07:00</published></entry>'
             '<entry><title>Tin 2</title><link rel="self" href="https://x.vn/api/2"/>'
             '<link href="https://x.vn/tin-2-12346.html"/><updated>2023-10-02T08:00:00Z</updated></entry></feed>'),
    "rdf": ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<item rdf:about="https://x.vn/tin-1-12345.html"><link>https://x.vn/tin-1-12345.html</link>'
            '<dc:date>2023-10-03T15:00:00+07:00</dc:date></item><item rdf:about="https://x.vn/tin-2-12346.html">'
            '<link>https://x.vn/tin-2-12346.html</link><dc:date>2023-10-02T15:00:00+07:00</dc:date></item>'
            '</rdf:RDF>'),
}


@pytest.mark.parametrize("name", sorted(FEEDS))
@pytest.mark.parametrize("compressed", [False, True])
def test_feeds_give_article_links_with_dates(name, compressed):
    data = FEEDS[name].encode()
    kind, links = read_xml_links(gzip.compress(data) if compressed else data, "https://x.vn/rss/thoi-su.rss")
    assert kind == "feed"
    assert [link.url for link in links] == ["https://x.vn/tin-1-12345.html", "https://x.vn/tin-2-12346.html"]
    assert links[0].date == "2023-10-03T15:00:00+07:00"
    assert links[1].date.startswith("2023-10-02T")
    assert {link.kind for link in links} == {"article"}


# --- the shared pages, served from a sitemap ---------------------------------------------------


@needs_shared
def test_shared_articles_from_a_sitemap_with_a_robots_disallow(server, tmp_path, parser):
    from test_html import ARTICLES, BODY

    names = sorted(ARTICLES)
    assert len(names) == 11
    for name in names:
        server.add(f"/bai/{name}", (SHARED_HTML / name).read_bytes())
    server.add("/rieng/bi-mat-12345.html", (SHARED_HTML / names[0]).read_bytes())
    server.add("/robots.txt", "User-agent: *\nDisallow: /rieng/\n", content_type="text/plain")
    entries = [(server.url(f"/bai/{name}"), "2026-03-07") for name in names]
    server.add("/sitemap.xml", sitemap([*entries, (server.url("/rieng/bi-mat-12345.html"), None)]),
               content_type="application/xml")
    archive = tmp_path / "archive.sqlite"

    stats = run(server.url("/sitemap.xml"), archive, parser)

    assert (stats.articles, stats.pages, stats.failed, stats.skipped) == (11, 11, 0, 1)
    assert server.count("/rieng/bi-mat-12345.html") == 0
    assert frontier(archive, server.url("/rieng/bi-mat-12345.html")) == ("skipped", "disallowed by robots.txt")
    records = list(read_archive(archive))
    assert len(records) == 11
    for name in names:
        expected = parser.parse((SHARED_HTML / name).read_bytes(), url=server.url(f"/bai/{name}"))
        record = next(r for r in records if r["title"] == normalize_text(ARTICLES[name][0]))
        assert record["published"] == ARTICLES[name][1] == expected.published
        assert record["text"] == normalize_text(expected.text)
        sentence, boilerplate = BODY[name]
        assert normalize_text(sentence) in record["text"]
        assert not any(normalize_text(line) in record["text"] for line in boilerplate)
        assert record["id"] == article_id({"url": record["url"]})
        assert record["url"] == canonical_url(expected.url)
    assert all(entry.headers["User-Agent"] == DEFAULT_USER_AGENT for entry in server.requests())


# --- misbehaving servers -----------------------------------------------------------------------


def _page(charset: str = "utf-8") -> str:
    return article_page(TITLE, PUBLISHED, charset=charset)


def _http_date(seconds_from_now: int) -> str:
    return format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now), usegmt=True)


# name: (route options (made when the test runs), requests expected, waits the fake clock must have seen
# (at least), the URL's state in the frontier)
RECOVERING = {
    "slow, then in time": (lambda: dict(first=[Act(delay=2.0)]), 2, [1.0], "done"),
    "429 with Retry-After seconds": (lambda: dict(first=[Act(status=429, headers={"Retry-After": "7"})]), 2, [7.0],
                                     "done"),
    "429 with Retry-After date": (lambda: dict(first=[Act(status=429, headers={"Retry-After": _http_date(30)})]),
                                  2, [25.0], "done"),
    "503 with Retry-After": (lambda: dict(first=[Act(status=503, headers={"Retry-After": "3"})]), 2, [3.0], "done"),
    "500, 502, then 200": (lambda: dict(first=[Act(status=500), Act(status=502)]), 3, [1.0, 2.0], "done"),
    "truncated, then whole": (lambda: dict(first=[Act(truncate=True)]), 2, [1.0], "done"),
    "500 every time": (lambda: dict(first=[Act(status=500)] * 9), 4, [1.0, 2.0, 4.0], "failed"),
    "truncated every time": (lambda: dict(first=[Act(truncate=True)] * 9), 4, [1.0, 2.0, 4.0], "failed"),
    "404": (lambda: dict(status=404), 1, [], "error"),
    "gzip that is not": (lambda: dict(headers={"Content-Encoding": "gzip"}), 1, [], "error"),
    "an image": (lambda: dict(content_type="image/jpeg"), 1, [], "error"),
}


@pytest.mark.parametrize("name", list(RECOVERING))
def test_misbehaving_server(server, tmp_path, parser, name):
    route, requests, waits, state = RECOVERING[name]
    url = server.add("/tin/dong-nai-12345.html", _page(), **route())
    clock = FakeClock()
    stats = run(url, tmp_path / "a.sqlite", parser, clock=clock, timeout=0.5)
    assert server.count("/tin/dong-nai-12345.html") == requests
    assert frontier(tmp_path / "a.sqlite", url)[0] == state
    for wait in waits:
        assert any(slept >= wait for slept in clock.sleeps), (wait, clock.sleeps)
    if state == "done":
        assert stored(tmp_path / "a.sqlite")[TITLE]["text"].startswith("Chiều 3/10, đồng chí Hồ Văn Sơn")
        assert stats.articles == 1
    else:
        assert not list(read_archive(tmp_path / "a.sqlite"))
        assert stats.failed == 1 and stats.unreachable


def test_a_failed_page_is_retried_by_the_next_run_only(server, tmp_path, parser):
    url = server.add("/tin/dong-nai-12345.html", _page(), first=[Act(status=503)] * 4)
    archive = tmp_path / "a.sqlite"
    assert run(url, archive, parser, retries=3).failed == 1
    assert server.count("/tin/dong-nai-12345.html") == 4
    assert run(url, archive, parser).articles == 1
    assert server.count("/tin/dong-nai-12345.html") == 5


@pytest.mark.parametrize("announce_length", [False, True], ids=["streamed", "content-length"])
def test_a_50_mb_body_is_refused_without_reading_it(server, tmp_path, parser, announce_length):
    size = 50 << 20
    url = server.add("/tin/rat-lon-12345.html", b"", stream=size, announce_length=announce_length)
    stats = run(url, tmp_path / "a.sqlite", parser, max_bytes=1 << 20)
    state, note = frontier(tmp_path / "a.sqlite", url)
    assert state == "error" and "over the limit" in note
    assert stats.failed == 1 and server.count("/tin/rat-lon-12345.html") == 1
    assert server.routes["/tin/rat-lon-12345.html"].sent < size // 4


@pytest.mark.parametrize("declared", ["text/html; charset=windows-1258", "text/html; charset=iso-8859-1",
                                      "text/html"])
def test_a_windows_1258_page_reads_as_vietnamese(server, tmp_path, parser, declared):
    url = server.add("/tin/cp1258-12345.html", encode_cp1258(_page("windows-1258")), content_type=declared)
    run(url, tmp_path / "a.sqlite", parser)
    record = stored(tmp_path / "a.sqlite")[TITLE]
    assert record["published"] == PUBLISHED
    assert "Phó Bí thư Thường trực Tỉnh ủy Đồng Nai" in record["text"]


@pytest.mark.parametrize("chain, reason", [
    ({"/a": "/b", "/b": "/a"}, "redirect loop"),
    ({"/a": "/a"}, "redirect loop"),
    ({f"/{i}": f"/{i + 1}" for i in range(8)} | {"/a": "/0"}, "more than 5 redirects"),
    ({"/a": "ftp://127.0.0.1/tin.html"}, "not an http(s) URL"),
])
def test_bad_redirects_end_with_a_clear_error(server, tmp_path, parser, chain, reason):
    for source, target in chain.items():
        server.redirect(source, target)
    stats = run(server.url("/a"), tmp_path / "a.sqlite", parser)
    state, note = frontier(tmp_path / "a.sqlite", server.url("/a"))
    assert state == "error" and reason in note
    assert stats.failed == 1 and len(server.requests()) <= 10


def test_a_redirect_is_followed_and_recorded(server, tmp_path, parser):
    server.redirect("/cu/dong-nai-12345.html", "/tin/dong-nai-12345.html", status=301)
    target = server.add("/tin/dong-nai-12345.html", _page())
    run(server.url("/cu/dong-nai-12345.html"), tmp_path / "a.sqlite", parser)
    with Archive(tmp_path / "a.sqlite", readonly=True) as archive:
        page = archive.stored(server.url("/cu/dong-nai-12345.html"))
        assert page["final_url"] == target and page["status"] == 200
        assert archive.frontier_state(target)[0] == "skipped"      # known as the same page: never fetched
    assert stored(tmp_path / "a.sqlite")[TITLE]["url"] == target


def test_a_redirect_into_a_disallowed_path_is_not_followed(server, tmp_path, parser):
    server.add("/robots.txt", "User-agent: *\nDisallow: /rieng/\n", content_type="text/plain")
    server.redirect("/tin/a-12345.html", "/rieng/a-12345.html")
    server.add("/rieng/a-12345.html", _page())
    run(server.url("/tin/a-12345.html"), tmp_path / "a.sqlite", parser)
    assert server.count("/rieng/a-12345.html") == 0
    assert frontier(tmp_path / "a.sqlite", server.url("/tin/a-12345.html"))[0] == "skipped"


# --- politeness --------------------------------------------------------------------------------


def _site_with_articles(server: CrawlServer, count: int, robots: str | None = None) -> str:
    if robots is not None:
        server.add("/robots.txt", robots, content_type="text/plain")
    entries = []
    for number in range(count):
        entries.append((server.add(f"/tin/bai-{number}-1234{number}.html",
                                   article_page(f"{TITLE} số {number}", PUBLISHED)), None))
    return server.add("/sitemap.xml", sitemap(entries), content_type="application/xml")


@pytest.mark.parametrize("robots, delay, expected", [
    ("User-agent: *\nCrawl-delay: 5\n", 0, 5.0),
    ("User-agent: *\nCrawl-delay: 0.5\n", 2, 2.0),
    ("User-agent: *\nDisallow:\n", 1.5, 1.5),
    ("User-agent: vnextract\nCrawl-delay: 4\n\nUser-agent: *\nCrawl-delay: 60\n", 0, 4.0),
])
def test_the_host_is_asked_once_per_delay(server, tmp_path, parser, robots, delay, expected):
    seed = _site_with_articles(server, 4, robots)
    clock = FakeClock()
    run(seed, tmp_path / "a.sqlite", parser, clock=clock, delay=delay)
    assert len(server.requests()) == 6                       # robots.txt, the sitemap, 4 articles
    assert len(clock.sleeps) == 5 and all(slept == pytest.approx(expected, abs=0.01) for slept in clock.sleeps)


@pytest.mark.parametrize("robots, status, fetched", [
    ("User-agent: *\nDisallow: /tin/bai-1\n", 200, 3),
    ("User-agent: vnextract\nDisallow: /tin/\n\nUser-agent: *\nAllow: /\n", 200, 0),
    ("User-agent: Googlebot\nDisallow: /\n", 200, 4),
    ("", 404, 4),                  # no robots.txt: everything allowed
    ("", 503, 0),                  # robots.txt unreachable: nothing allowed (RFC 9309)
])
def test_robots_txt_is_obeyed(server, tmp_path, parser, robots, status, fetched):
    seed = _site_with_articles(server, 4)
    server.add("/robots.txt", robots, status=status, content_type="text/plain")
    stats = run(seed, tmp_path / "a.sqlite", parser, retries=0)
    article_requests = [path for path in server.paths() if path.startswith("/tin/")]
    assert len(article_requests) == stats.articles == fetched
    assert server.count("/sitemap.xml") == (1 if status != 503 else 0)


# --- seeds: feeds, sitemap indexes, listings ---------------------------------------------------


def _articles(server: CrawlServer, prefix: str, days: list[str]) -> list[str]:
    return [server.add(f"{prefix}/bai-{i}-2023{i:04d}.html",
                       article_page(f"{TITLE} ({prefix} {i})", f"{day}T08:00:00+07:00"))
            for i, day in enumerate(days)]


def test_rss_feed_seed_and_since_skips_old_items_unfetched(server, tmp_path, parser):
    urls = _articles(server, "/rss", ["2023-03-01", "2022-11-20", "2023-05-02"])
    dates = ["Wed, 01 Mar 2023 08:00:00 +0700", "Sun, 20 Nov 2022 08:00:00 +0700", "Tue, 02 May 2023 08:00:00 +0700"]
    items = "".join(f"<item><title>Tin</title><link>{url}?utm_source=rss</link><pubDate>{when}</pubDate></item>"
                    for url, when in zip(urls, dates))
    seed = server.add("/rss/thoi-su.rss", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
                      content_type="application/rss+xml; charset=utf-8")
    stats = run(seed, tmp_path / "a.sqlite", parser, since=date(2023, 1, 1))
    assert (stats.articles, stats.documents) == (2, 1)
    assert server.count("/rss/bai-1-20230001.html") == 0
    assert sorted(r["published"][:10] for r in read_archive(tmp_path / "a.sqlite")) == ["2023-03-01", "2023-05-02"]


def test_atom_feed_seed(server, tmp_path, parser):
    urls = _articles(server, "/atom", ["2023-03-01", "2023-04-01"])
    entries = "".join(f'<entry><title>Tin</title><link rel="alternate" type="text/html" href="{url}"/>'
                      f'<updated>2023-0{i + 3}-01T08:00:00+07:00</updated></entry>' for i, url in enumerate(urls))
    seed = server.add("/feed.atom", f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>',
                      content_type="application/atom+xml")
    assert run(seed, tmp_path / "a.sqlite", parser).articles == 2


def test_sitemap_index_to_sitemaps_and_news_dates(server, tmp_path, parser):
    first = _articles(server, "/thang-1", ["2023-01-05", "2023-01-06"])
    old = _articles(server, "/cu", ["2022-06-01", "2022-06-02"])
    news = _articles(server, "/news", ["2023-02-01", "2022-12-31"])
    server.add("/sitemaps/2023-01.xml.gz", gzip.compress(sitemap([(u, "2023-01-06") for u in first]).encode()),
               content_type="application/x-gzip")
    server.add("/sitemaps/2022-06.xml", sitemap([(u, "2022-06-02") for u in old]), content_type="text/xml")
    news_dates = ["2023-02-01T08:00:00+07:00", "2022-12-31T08:00:00+07:00"]
    server.add("/sitemaps/news.xml", sitemap(list(zip(news, news_dates)), news=True), content_type="application/xml")
    seed = server.add("/sitemap.xml", sitemap([(server.url("/sitemaps/2023-01.xml.gz"), "2023-01-06"),
                                               (server.url("/sitemaps/2022-06.xml"), "2022-06-02T10:00:00Z"),
                                               (server.url("/sitemaps/news.xml"), None)], index=True),
                      content_type="application/xml")
    stats = run(seed, tmp_path / "a.sqlite", parser, since=date(2023, 1, 1))
    assert (stats.articles, stats.documents) == (3, 3)
    assert server.count("/sitemaps/2022-06.xml") == 0                  # lastmod before --since: not fetched
    assert server.count(urlpath(news[1])) == 0                          # published before --since
    assert all(server.count(urlpath(url)) == 1 for url in [*first, news[0]])


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _listing_site(server: CrawlServer, days_per_page: list[list[str]], sections: tuple[str, ...] = ()) -> str:
    for number, days in enumerate(days_per_page, start=1):
        links = [(urlpath(url), "Tin") for url in _articles(server, f"/tin-tuc/p{number}", days)]
        links.append(("http://127.0.0.1:9/khac/bai-ngoai-99999.html", "Trang khác"))   # another site: not followed
        path = "/tin-tuc" if number == 1 else f"/tin-tuc/trang-{number}"
        next_href = f"/tin-tuc/trang-{number + 1}" if number < len(days_per_page) else None
        server.add(path, listing_page(f"Tin tức trang {number}", links, next_href, sections if number == 1 else ()))
    return server.url("/tin-tuc")


def test_listing_pages_are_followed_page_by_page_on_site_only(server, tmp_path, parser):
    seed = _listing_site(server, [["2023-05-01"] * 3, ["2023-04-01"] * 3, ["2023-03-01"] * 2])
    stats = run(seed, tmp_path / "a.sqlite", parser)
    assert stats.articles == 8 and stats.pages == 11
    assert [p for p in server.paths() if p.startswith("/tin-tuc/trang")] == ["/tin-tuc/trang-2", "/tin-tuc/trang-3"]
    assert all(not path.startswith("/khac") for path in server.paths())
    order = [p for p in server.paths() if p.startswith("/tin-tuc")]
    assert order.index("/tin-tuc/trang-2") > max(order.index(p) for p in order if p.startswith("/tin-tuc/p1/"))


def test_since_stops_paging_a_listing(server, tmp_path, parser):
    seed = _listing_site(server, [["2023-05-01"] * 2, ["2022-04-01"] * 2, ["2022-03-01"] * 2])
    stats = run(seed, tmp_path / "a.sqlite", parser, since=date(2023, 1, 1))
    assert stats.articles == 2
    assert server.count("/tin-tuc/trang-2") == 1 and server.count("/tin-tuc/trang-3") == 0
    assert not any(path.startswith("/tin-tuc/p3/") for path in server.paths())


def test_a_later_run_pages_a_listing_only_while_it_finds_new_articles(server, tmp_path, parser):
    seed = _listing_site(server, [["2023-05-01"] * 2, ["2023-04-01"] * 2, ["2023-03-01"] * 2])
    archive = tmp_path / "a.sqlite"
    run(seed, archive, parser)
    unchanged = run(seed, archive, parser)                       # nothing new: page 1 only
    assert (unchanged.pages, server.count("/tin-tuc"), server.count("/tin-tuc/trang-2")) == (1, 2, 1)
    fresh = server.add("/tin-tuc/moi/bai-moi-20239999.html", article_page(f"{TITLE} mới", PUBLISHED))
    page = server.routes["/tin-tuc"].body.replace(b'<ul class="list-news">',
                                                  b'<ul class="list-news"><li><a href="%s">M</a></li>' % fresh.encode())
    server.routes["/tin-tuc"].body = page
    later = run(seed, archive, parser)                           # page 1 had news, so page 2 is read again
    assert later.articles == 1 and server.count("/tin-tuc/moi/bai-moi-20239999.html") == 1
    assert (server.count("/tin-tuc/trang-2"), server.count("/tin-tuc/trang-3")) == (2, 1)


class InterruptingClock(FakeClock):
    """Ctrl-C during the wait before the ``at``-th request."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if len(self.sleeps) == self.at:
            raise KeyboardInterrupt


def test_an_interrupted_run_is_resumed_by_the_same_call(server, tmp_path, parser):
    seed = _site_with_articles(server, 5)
    archive = tmp_path / "a.sqlite"
    with pytest.raises(KeyboardInterrupt):
        run(seed, archive, parser, clock=InterruptingClock(at=4), delay=1)
    assert len(list(read_archive(archive))) == 2                 # robots.txt, sitemap, 2 articles, then Ctrl-C
    resumed = run(seed, archive, parser)
    assert resumed.resumed and resumed.run == 1 and resumed.articles == 3
    assert len(list(read_archive(archive))) == 5
    assert server.count("/sitemap.xml") == 1 and all(server.count(f"/tin/bai-{n}-1234{n}.html") == 1
                                                      for n in range(5))


@pytest.mark.parametrize("max_depth, fetched", [(0, 0), (1, 1)])
def test_section_links_are_followed_to_max_depth(server, tmp_path, parser, max_depth, fetched):
    server.add("/the-thao", listing_page("Thể thao", [("/chinh-tri", "Chính trị")]))
    server.add("/chinh-tri", listing_page("Chính trị", []))
    seed = _listing_site(server, [["2023-05-01"]], sections=("/the-thao",))
    run(seed, tmp_path / "a.sqlite", parser, max_depth=max_depth)
    assert server.count("/the-thao") == fetched and server.count("/chinh-tri") == 0


def test_max_pages_stops_the_run_and_the_next_run_goes_on(server, tmp_path, parser):
    seed = _site_with_articles(server, 5)
    archive = tmp_path / "a.sqlite"
    first = run(seed, archive, parser, max_pages=2)
    assert (first.pages, first.stopped, first.queued) == (2, "max-pages", 3)
    second = run(seed, archive, parser)
    assert (second.pages, second.queued) == (3, 0)
    assert all(server.count(f"/tin/bai-{n}-1234{n}.html") == 1 for n in range(5))


# --- no duplicates; refresh ------------------------------------------------------------------


def test_url_variants_and_canonical_links_give_one_article(server, tmp_path, parser):
    canonical = server.add("/tin/dong-nai-12345.html", _page())
    server.add("/amp/dong-nai-12345.html", article_page(TITLE, PUBLISHED, canonical="/tin/dong-nai-12345.html"))
    other = server.add("/tin/son-la-67890.html", article_page("Sơn La nâng cao hiệu quả cơ yếu", PUBLISHED))
    seed = server.add("/sitemap.xml", sitemap([
        (server.url("/amp/dong-nai-12345.html"), None), (canonical, None),
        (canonical + "?utm_source=facebook&utm_campaign=x", None), (canonical + "#binh-luan", None),
        (canonical + "?fbclid=IwAR0x&zarsrc=31", None), (other, None), (other, None)]), content_type="text/xml")
    archive = tmp_path / "a.sqlite"
    stats = run(seed, archive, parser)
    assert stats.articles == 2
    assert server.count("/tin/dong-nai-12345.html") == 0               # known from the AMP page's canonical link
    assert server.count("/amp/dong-nai-12345.html") == 1 and server.count("/tin/son-la-67890.html") == 1
    records = list(read_archive(archive))
    assert sorted(r["url"] for r in records) == sorted([canonical, other])
    assert len({r["id"] for r in records}) == 2


def test_a_canonical_link_to_the_home_page_is_not_taken_as_the_article_url(server, tmp_path, parser):
    first = server.add("/tin/a-12345.html", article_page(TITLE, PUBLISHED, canonical="/"))
    second = server.add("/tin/b-12346.html", article_page(TITLE + " 2", PUBLISHED, canonical="/"))
    seed = server.add("/sitemap.xml", sitemap([(first, None), (second, None)]), content_type="text/xml")
    stats = run(seed, tmp_path / "a.sqlite", parser)
    assert stats.articles == 2
    assert sorted(r["url"] for r in read_archive(tmp_path / "a.sqlite")) == [first, second]


def test_a_second_article_url_with_the_same_canonical_is_a_duplicate(server, tmp_path, parser):
    page = article_page(TITLE, PUBLISHED, canonical="http://bao.example/tin/dong-nai-12345.html")
    first, second = server.add("/a-12345.html", page), server.add("/b-12345.html", page)
    seed = server.add("/sitemap.xml", sitemap([(first, None), (second, None)]), content_type="text/xml")
    run(seed, tmp_path / "a.sqlite", parser)
    assert [r["url"] for r in read_archive(tmp_path / "a.sqlite")] == ["http://bao.example/tin/dong-nai-12345.html"]
    with Archive(tmp_path / "a.sqlite", readonly=True) as archive:
        assert archive.summary().pages == {"article": 1, "duplicate": 1, "sitemap": 1}


def test_stored_pages_are_fetched_again_only_with_refresh(server, tmp_path, parser):
    url = server.add("/tin/dong-nai-12345.html", _page(), etag='"v1"',
                     headers={"Last-Modified": "Tue, 03 Oct 2023 08:00:00 GMT"})
    seed = server.add("/sitemap.xml", sitemap([(url, None)]), content_type="text/xml", etag='"s1"')
    archive = tmp_path / "a.sqlite"
    run(seed, archive, parser)
    again = run(seed, archive, parser)
    assert server.count("/tin/dong-nai-12345.html") == 1
    assert again.not_modified == 1                                      # the sitemap, asked with If-None-Match
    assert server.requests("/sitemap.xml")[-1].headers.get("If-None-Match") == '"s1"'
    refreshed = run(seed, archive, parser, refresh=True)
    last = server.requests("/tin/dong-nai-12345.html")[-1]
    assert server.count("/tin/dong-nai-12345.html") == 2
    assert last.headers.get("If-None-Match") == '"v1"'
    assert last.headers.get("If-Modified-Since") == "Tue, 03 Oct 2023 08:00:00 GMT"
    assert refreshed.not_modified == 2 and len(list(read_archive(archive))) == 1


# --- the archive as input; bad archives --------------------------------------------------------


def test_archive_records_are_extract_input(server, tmp_path, parser):
    url = server.add("/tin/dong-nai-12345.html", _page())
    run(url, tmp_path / "a.sqlite", parser)
    items = list(archive_reader(tmp_path / "a.sqlite", ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], dict)
    assert items[0]["id"] == article_id({"url": url})
    assert list(items[0]) == ["id", "url", "source", "title", "published", "author", "category", "lead", "text"]


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_no_archive_is_one_clear_failure(tmp_path, content):
    path = tmp_path / "khong-phai.sqlite"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match="no crawl archive|not a database"):
        list(read_archive(path))
    items = list(archive_reader(path, ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], ReadFailure) and str(path) in items[0].error
    assert path.read_bytes() == content                                  # read-only: nothing written


def test_an_other_sqlite_database_is_not_taken_over(tmp_path, parser):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(ArchiveError, match="no crawl archive"):
        crawl(["http://127.0.0.1:9/"], path, parser=parser)


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["ftp://127.0.0.1/x", "--archive", "{tmp}/a.sqlite"], "not an http(s) URL"),
    (["http://127.0.0.1:9/", "--archive", "{tmp}"], "is a folder"),
    (["http://127.0.0.1:9/", "--archive", "{tmp}/a.sqlite", "--since", "03/10/2023"], "YYYY-MM-DD"),
    (["http://127.0.0.1:9/", "--archive", "{tmp}/a.sqlite", "--delay", "-1"], "zero or more"),
    (["http://127.0.0.1:9/", "--archive", "{tmp}/a.sqlite", "--max-pages", "0"], "at least 1"),
    (["http://127.0.0.1:9/", "--archive", "{tmp}/file.txt/a.sqlite"], "cannot be opened"),
])
def test_command_usage_errors(tmp_path, capsys, argv, message):
    (tmp_path / "file.txt").write_text("not a folder")
    assert crawl_main([arg.replace("{tmp}", str(tmp_path)) for arg in argv]) == 2
    assert message in capsys.readouterr().err


def test_command_crawls_with_a_progress_bar(server, tmp_path, capsys):
    seed = _site_with_articles(server, 3, "User-agent: *\nDisallow: /tin/bai-2\n")
    code = crawl_main([seed, "--archive", str(tmp_path / "a.sqlite"), "--delay", "0", "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "2 pages stored (2 new articles)" in out and "1 skipped" in out
    assert "crawl" in err and "queued=" in err and "skipped=1" in err and "failed=0" in err


def test_command_exit_code_when_no_seed_can_be_fetched(server, tmp_path, capsys):
    assert crawl_main([server.url("/khong-co.html"), "--archive", str(tmp_path / "a.sqlite"), "--delay", "0",
                       "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "seed not fetched" in err and "HTTP 404" in err
