"""HtmlParser against trafilatura's bare_extraction on the saved pages of ../shared/html.

Prints, for the 11 article pages, how many titles, publication dates and
authors each gets right, how many of the 8 listing pages each rejects,
and pages per second. Run from the repository root:

    python benchmarks/html_parsing.py [--rounds 5]

Right means: the title equal to the headline as displayed (white space
folded); the date on the right day, and separately to the minute in
Vietnam time (a date without an offset counts as +07:00); the author the
set of people named, no site or newsroom name.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.html import HtmlParser, NoArticleError  # noqa: E402
from extract.html_authors import fold  # noqa: E402
from extract.html_dates import parse_iso_date  # noqa: E402

SHARED_HTML = REPO.parent / "shared" / "html"

# file: (title as displayed, published, people named as authors)
EXPECTED = {
    "baochinhphu_article.html": ("Chính sách mới có hiệu lực từ tháng 3/2026", "2026-03-01T09:51", ()),
    "baodautu_article.html": ("Xử phạt Giám đốc tài chính Tập đoàn Tiên Sơn Thanh Hoá vì thao túng cổ phiếu",
                              "2026-03-07T08:47", ("Nguyên Minh",)),
    "cafef_article.html": ("Thời điểm nâng hạng cận kề, MBS điểm tên 30 cổ phiếu Việt Nam có khả năng lọt rổ chỉ số FTSE",
                           "2026-03-07T00:01", ("Dương Ngọc",)),
    "cafef_article_batdongsan.html": ("Tăng hỗ trợ, giảm áp lực tài chính khi chuyển mục đích sử dụng đất",
                                      "2026-03-07T09:40", ("Hồ Hương",)),
    "dantri_article.html": ("Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng", "2026-03-07T08:07",
                            ("Tri Túc",)),
    "nld_article.html": ("Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định mới về thuế", "2026-03-07T08:06",
                         ("Minh Chiến",)),
    "plo_chinh_tri.html": ("Đoàn đại biểu TP.HCM dâng hoa, tưởng niệm các anh hùng liệt sĩ tại Bình Dương, "
                           "Bà Rịa - Vũng Tàu (cũ)", "2025-10-11T10:02", ("Thuận Văn", "Lê Ánh")),
    "plo_phap_luat.html": ("Vụ vay ngân hàng mua biệt thự: VKS kháng nghị theo hướng hủy án sơ thẩm", "2025-10-09T17:55",
                           ("Song Mai",)),
    "tuoitre_article.html": ("Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh", "2026-03-07T08:01",
                             ("Nhật Xuân", "Nghi Vũ")),
    "vietnamnet_article.html": ("Cổ phiếu FLC được giao dịch trở lại", "2026-03-07T08:52", ("Duy Anh",)),
    "vnexpress_article.html": ("Cách các nước đối phó cú sốc năng lượng từ Trung Đông", "2026-03-07T00:05", ("Hà Thu",)),
}
TRAFILATURA_TIME = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": True, "original_date": True}


def people(author: str | None) -> set[str]:
    return {fold(name) for name in (author or "").replace(";", ",").split(",") if fold(name)}


def minute(value: str | None) -> str | None:
    iso = parse_iso_date(value) if value else None
    return iso[:16] if iso else None


def score(results: dict[str, tuple]) -> tuple[int, int, int, int]:
    """(titles, days, minutes, authors) right among ``results``: file → (title, date, author)."""
    titles = days = minutes = authors = 0
    for name, (title, date, author) in results.items():
        want_title, want_date, want_people = EXPECTED[name]
        titles += " ".join((title or "").split()) == want_title
        days += (date or "")[:10] == want_date[:10]
        minutes += minute(date) == want_date
        authors += people(author) == {fold(p) for p in want_people}
    return titles, days, minutes, authors


def timed(function, pages: list[bytes], rounds: int) -> float:
    """Pages per second of ``function`` over ``pages``, best of ``rounds``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for page in pages:
            function(page)
        best = min(best, time.perf_counter() - start)
    return len(pages) / best


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=5, help="timing rounds (best is kept)")
    rounds = arguments.parse_args().rounds
    if not SHARED_HTML.is_dir():
        print(f"{SHARED_HTML} is absent: nothing to measure", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)   # trafilatura and htmldate log on every listing page
    from trafilatura import bare_extraction

    parser = HtmlParser()
    articles = {name: (SHARED_HTML / name).read_bytes() for name in EXPECTED}
    listings = {p.name: p.read_bytes() for p in sorted(SHARED_HTML.glob("*_list.html"))}

    ours, theirs, theirs_timed = {}, {}, {}
    for name, data in articles.items():
        page = parser.parse(data, url=f"http://127.0.0.1:8000/{name}")
        ours[name] = (page.title, page.published, page.author)
        text = data.decode("utf-8")
        document = bare_extraction(text, with_metadata=True)
        theirs[name] = (document.title, document.date, document.author)
        document = bare_extraction(text, with_metadata=True, date_extraction_params=TRAFILATURA_TIME)
        theirs_timed[name] = (document.title, document.date, document.author)

    rejected = 0
    for data in listings.values():
        try:
            parser.parse(data)
        except NoArticleError:
            rejected += 1
    theirs_rejected = sum(bare_extraction(data.decode("utf-8"), with_metadata=True) is None
                          for data in listings.values())

    n = len(EXPECTED)
    print(f"{n} article pages, {len(listings)} listing pages from {SHARED_HTML}\n")
    print(f"{'':44}{'titles':>8}{'dates (day)':>13}{'dates (minute)':>16}{'authors':>9}{'listings rejected':>19}")
    for label, results, rejects in (("vnextract HtmlParser", ours, rejected),
                                    ("trafilatura bare_extraction", theirs, theirs_rejected),
                                    ("trafilatura, date format with time", theirs_timed, theirs_rejected)):
        t, d, m, a = score(results)
        print(f"{label:44}{f'{t}/{n}':>8}{f'{d}/{n}':>13}{f'{m}/{n}':>16}{f'{a}/{n}':>9}"
              f"{f'{rejects}/{len(listings)}':>19}")
    for name in EXPECTED:
        if score({name: ours[name]}) != (1, 1, 1, 1):
            print(f"  vnextract wrong on {name}: {ours[name]}")

    pages = list(articles.values())
    ours_speed = timed(lambda data: parser.parse(data), pages, rounds)
    theirs_speed = timed(lambda data: bare_extraction(data.decode("utf-8"), with_metadata=True), pages, rounds)
    everything = pages + list(listings.values())

    def parse_or_reject(data: bytes) -> None:
        try:
            parser.parse(data)
        except NoArticleError:
            pass

    all_speed = timed(parse_or_reject, everything, rounds)
    print(f"\nspeed on the {n} article pages (best of {rounds} rounds, one process):")
    print(f"  vnextract HtmlParser          {ours_speed:6.1f} pages/s")
    print(f"  trafilatura bare_extraction   {theirs_speed:6.1f} pages/s")
    print(f"  vnextract on all {len(everything)} pages (articles and listings) {all_speed:6.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
