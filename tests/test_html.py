"""Tests of the HTML article parser (extract.html and its helper modules).

The saved pages of ../shared/html are read in place (tests skip when the
folder is absent); the small pages below are written here.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from extract.html import HtmlParser, NoArticleError, Page, decode_html
from extract.html_authors import AuthorCleaner, AuthorRules
from extract.html_dates import parse_iso_date, parse_page_date
from extract.html_profiles import SiteProfile, SiteProfiles
from extract.resources import models_dir

SHARED_HTML = Path(__file__).resolve().parents[1].parent / "shared" / "html"
needs_shared = pytest.mark.skipif(not SHARED_HTML.is_dir(), reason="../shared/html is absent")


@pytest.fixture(scope="module")
def parser() -> HtmlParser:
    return HtmlParser()


@pytest.fixture(scope="module")
def generic_parser(tmp_path_factory) -> HtmlParser:
    """The parser with every site profile taken out: generic selectors and trafilatura only."""
    data = json.loads((models_dir() / "site_profiles.json").read_text(encoding="utf-8"))
    data["sites"] = {}
    path = tmp_path_factory.mktemp("profiles") / "generic_only.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return HtmlParser(path)


def read_page(name: str) -> bytes:
    return (SHARED_HTML / name).read_bytes()


def local_url(name: str) -> str:
    """Where a test server would serve the page: profiles must not depend on it."""
    return f"http://127.0.0.1:8000/{name}"


# ---------------------------------------------------------------- saved pages

ARTICLES = {
    # file: (title, published, author, category)
    "baochinhphu_article.html": ("Chính sách mới có hiệu lực từ tháng 3/2026", "2026-03-01T09:51:00+07:00",
                                 None, "Chính sách và cuộc sống"),
    "baodautu_article.html": ("Xử phạt Giám đốc tài chính Tập đoàn Tiên Sơn Thanh Hoá vì thao túng cổ phiếu",
                              "2026-03-07T08:47:00+07:00", "Nguyên Minh", "Đầu tư tài chính"),
    "cafef_article.html": ("Thời điểm nâng hạng cận kề, MBS điểm tên 30 cổ phiếu Việt Nam có khả năng lọt rổ chỉ số FTSE",
                           "2026-03-07T00:01:00+07:00", "Dương Ngọc", "Thị trường chứng khoán"),
    "cafef_article_batdongsan.html": ("Tăng hỗ trợ, giảm áp lực tài chính khi chuyển mục đích sử dụng đất",
                                      "2026-03-07T09:40:00+07:00", "Hồ Hương", "Bất động sản"),
    "dantri_article.html": ("Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng", "2026-03-07T08:07:18+07:00",
                            "Tri Túc", "Kinh doanh"),
    "nld_article.html": ("Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định mới về thuế",
                         "2026-03-07T08:06:00+07:00", "Minh Chiến", "Kinh tế"),
    "plo_chinh_tri.html": ("Đoàn đại biểu TP.HCM dâng hoa, tưởng niệm các anh hùng liệt sĩ tại Bình Dương, "
                           "Bà Rịa - Vũng Tàu (cũ)", "2025-10-11T10:02:08+07:00", "Thuận Văn, Lê Ánh", "Thời sự"),
    "plo_phap_luat.html": ("Vụ vay ngân hàng mua biệt thự: VKS kháng nghị theo hướng hủy án sơ thẩm",
                           "2025-10-09T17:55:47+07:00", "Song Mai", "Pháp luật"),
    "tuoitre_article.html": ("Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh", "2026-03-07T08:01:00+07:00",
                             "Nhật Xuân, Nghi Vũ", "Kinh doanh"),
    "vietnamnet_article.html": ("Cổ phiếu FLC được giao dịch trở lại", "2026-03-07T08:52:11+07:00", "Duy Anh",
                                "Kinh doanh"),
    "vnexpress_article.html": ("Cách các nước đối phó cú sốc năng lượng từ Trung Đông", "2026-03-07T00:05:00+07:00",
                               "Hà Thu", "Kinh doanh"),
}

SOURCES = {"baochinhphu": "baochinhphu.vn", "baodautu": "baodautu.vn", "cafef": "cafef.vn", "dantri": "dantri.com.vn",
           "nld": "nld.com.vn", "plo": "plo.vn", "tuoitre": "tuoitre.vn", "vietnamnet": "vietnamnet.vn",
           "vnexpress": "vnexpress.net"}

CANONICAL = {
    "baochinhphu_article.html": "https://baochinhphu.vn/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-102260228093004191.htm",
    "plo_chinh_tri.html": "https://plo.vn/doan-dai-bieu-tphcm-dang-hoa-tuong-niem-cac-anh-hung-liet-si-tai-binh-duong"
                          "-ba-ria-vung-tau-cu-post874982.html",
    "vnexpress_article.html": "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
}

BODY = {
    # file: (a sentence of the body, strings of the page's boilerplate that must not be in the body)
    "baochinhphu_article.html": ("Quy định trên có hiệu lực từ ngày 1/3/2026.",
                                 ["Tham khảo thêm", "Chính sách mới có hiệu lực từ tháng 2/2026", "Tải ứng dụng",
                                  "Tổng Biên tập"]),
    "baodautu_article.html": ("Cổ phiếu AAT cũng đang nằm trong diện cảnh báo",
                              ["TIN LIÊN QUAN", "Một cá nhân bị xử phạt vì dùng 19 tài khoản",
                               "Xử phạt hai cá nhân thao túng cổ phiếu SJS", "Đọc nhiều", "#AAT"]),
    "cafef_article.html": ("MBS cũng lưu ý rằng danh mục trên có thể sẽ có sự thay đổi",
                           ["TIN MỚI", "CÙNG CHUYÊN MỤC", "Link bài gốc", "Nhịp sống thị trường", "Dương Ngọc"]),
    "cafef_article_batdongsan.html": ("Nghị định số 103/2024/NĐ-CP",
                                      ["TIN MỚI", "Đại Đoàn kết", "Siêu đô thị 18 tỷ USD", "Từ Khóa"]),
    "dantri_article.html": ("Ngân hàng Nhà nước công bố tỷ giá trung tâm của đồng Việt Nam",
                            ["Đọc nhiều trong Kinh doanh", "Giá xăng dầu tăng mạnh, có loại tăng hơn 7.000 đồng/lít",
                             "Giá vàng xa mốc 150 triệu đồng/lượng", "Thông tin doanh nghiệp - sản phẩm"]),
    "nld_article.html": ("Trước khi tính thuế, hộ kinh doanh, cá nhân được trừ mức doanh thu 500 triệu đồng/năm",
                         ["Tin liên quan", "Hộ kinh doanh phải kê khai tất cả tài khoản nhận tiền bán hàng",
                          "Cách kê khai, nộp thuế cho cá nhân, hộ kinh doanh", "Bình luận", "Gia hạn tài khoản"]),
    "plo_chinh_tri.html": ("Các đại biểu đã bày tỏ lòng biết ơn sâu sắc",
                           ["Dòng sự kiện", "TP.HCM cần đường vượt biển mang tính biểu tượng",
                            "Đoàn lãnh đạo TP.HCM dâng hương tưởng nhớ anh hùng liệt sĩ tại Côn Đảo", "Xem thêm",
                            "Tin liên quan"]),
    "plo_phap_luat.html": ("Theo Điều 3 Luật kinh doanh bất động sản",
                           ["Tin liên quan", "Kinh nghiệm pháp lý cho các bên liên quan", "SONG MAI", "từ khóa"]),
    "tuoitre_article.html": ("Hoa tiền triệu hạ nhiệt, bó quà rau củ lên ngôi",
                             ["Tin cùng chuyên mục", "Tin liên quan",
                              "Xung đột ở Trung Đông khiến xuất khẩu Việt lao đao vì phụ phí của logistics",
                              "Đọc tiếp", "Tặng sao", "NHẬT XUÂN"]),
    "vietnamnet_article.html": ("Ngày 20/2/2023, FLC bị hủy niêm yết bắt buộc trên HOSE",
                                ["Chính thức hủy giao dịch cổ phiếu FLC từ 31/12", "Xem thêm về", "Tin nổi bật",
                                 "Xem các bài viết của tác giả"]),
    "vnexpress_article.html": ("Phó thủ tướng Nga Alexander Novak",
                               ["Trở lại Kinh doanh", "Hà Thu", "(tổng hợp)", "Copy link thành công"]),
}

# trafilatura leaves out the boxed sections these pages end with
GENERIC_SENTENCE = {
    "nld_article.html": "TS Nguyễn Hồng Trang, Giám đốc Đại lý thuế Linh Phong",
    "tuoitre_article.html": "Nhiều chuyến bay vận chuyển hoa từ các thị trường truyền thống như Hà Lan hay Ecuador",
}

LISTINGS = ["baochinhphu_list.html", "baodautu_list.html", "cafef_list.html", "dantri_list.html", "nld_list.html",
            "tuoitre_list.html", "vietnamnet_list.html", "vnexpress_list.html"]


@needs_shared
@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_saved_article_metadata(parser, name):
    title, published, author, category = ARTICLES[name]
    page = parser.parse(read_page(name), url=local_url(name))
    assert (page.title, page.published, page.author, page.category) == (title, published, author, category)
    assert page.source == SOURCES[name.split("_")[0]]
    assert page.url and not page.url.startswith("http://127.0.0.1")
    assert page.lead and len(page.lead) > 50


@needs_shared
@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_saved_article_url_is_canonical(parser, name):
    page = parser.parse(read_page(name), url=local_url(name))
    assert page.url == CANONICAL[name]
    assert page.source == CANONICAL[name].split("/")[2]


@needs_shared
@pytest.mark.parametrize("name", sorted(BODY))
def test_saved_article_body_without_boilerplate(parser, name):
    sentence, absent = BODY[name]
    page = parser.parse(read_page(name), url=local_url(name))
    assert sentence in page.text
    lines = page.text.split("\n")
    for boilerplate in absent:
        assert boilerplate not in lines and boilerplate not in page.text, boilerplate
    assert page.lead not in lines and page.title not in lines


@needs_shared
@pytest.mark.parametrize("name", LISTINGS)
def test_saved_listing_is_no_article(parser, name):
    with pytest.raises(NoArticleError):
        parser.parse(read_page(name), url=local_url(name))


@needs_shared
@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_generic_path_reads_dates_and_bodies(generic_parser, name):
    """Without any site profile, JSON-LD, meta tags, generic selectors and trafilatura still do."""
    _, published, _, _ = ARTICLES[name]
    sentence = GENERIC_SENTENCE.get(name) or BODY[name][0]
    page = generic_parser.parse(read_page(name), url=local_url(name))
    assert page.published == published
    assert page.title
    assert sentence in page.text


@needs_shared
@pytest.mark.parametrize("name", LISTINGS)
def test_generic_path_rejects_listings(generic_parser, name):
    with pytest.raises(NoArticleError):
        generic_parser.parse(read_page(name), url=local_url(name))


@needs_shared
def test_record_is_normalised(parser):
    record = parser.parse(read_page("baodautu_article.html")).to_record("baodautu_article")
    assert list(record) == ["id", "url", "source", "title", "published", "author", "category", "lead", "text"]
    assert record["id"] == "baodautu_article"
    assert record["title"] == "Xử phạt Giám đốc tài chính Tập đoàn Tiên Sơn Thanh Hóa vì thao túng cổ phiếu"
    assert record["text"].startswith("Ủy ban Chứng khoán Nhà nước")


@needs_shared
def test_site_string_input_parses_like_bytes(parser):
    data = read_page("vietnamnet_article.html")
    assert parser.parse(data) == parser.parse(data.decode("utf-8"))


# ---------------------------------------------------------------- small pages

PARAGRAPHS = (
    "<p>Sáng 3/10, tại thành phố Sơn La, Ban Cơ yếu Chính phủ tổ chức hội nghị tổng kết công tác cơ yếu "
    "năm 2023 với sự tham dự của lãnh đạo tỉnh và đại diện các sở, ngành.</p>"
    "<p>Phát biểu tại hội nghị, đồng chí Trưởng ban đề nghị lực lượng cơ yếu tỉnh tiếp tục nâng cao chất lượng "
    "tham mưu cho cấp ủy, chính quyền địa phương về bảo mật và an toàn thông tin.</p>"
    "<p>Hội nghị cũng thống nhất kế hoạch triển khai chữ ký số chuyên dùng trong các cơ quan nhà nước "
    "của tỉnh trong năm tới, bảo đảm đúng quy định của pháp luật.</p>"
)

GRAPH_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Cổng thông tin tỉnh"},
  {"@type": ["ReportageNewsArticle"], "headline": "Sơn La tổng kết công tác cơ yếu năm 2023",
   "datePublished": "2023-10-03T15:00:00",
   "author": [{"@type": "Person", "name": "Nguyễn Văn Hùng"}, {"@type": "Organization", "name": "Báo Sơn La"}],
   "articleSection": ["Chính trị", "Thời sự"],
   "description": "Ban Cơ yếu Chính phủ tổ chức hội nghị tổng kết tại Sơn La."}
]}</script></head>
<body><nav><a href="/">Trang chủ</a><a href="/chinh-tri">Chính trị</a></nav>
<h1>Sơn La tổng kết công tác cơ yếu năm 2023</h1><div class="content">""" + PARAGRAPHS + """</div>
<div class="related-news"><h3>Tin liên quan</h3><a href="/x">Một bài viết khác về công tác cơ yếu ở Điện Biên</a></div>
</body></html>"""

META_PAGE = """<html><head><meta charset="utf-8">
<title>Hội nghị về chữ ký số chuyên dùng - Cổng thông tin tỉnh</title>
<link rel="canonical" href="https://www.sonla.gov.vn/tin-tuc/hoi-nghi-chu-ky-so.html">
<meta property="og:title" content="Hội nghị về chữ ký số chuyên dùng - Cổng thông tin tỉnh">
<meta property="og:site_name" content="Cổng thông tin tỉnh">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-12T08:30:00+07:00">
<meta property="article:section" content="Thời sự">
<meta name="author" content="Bài và ảnh: Trần Minh Châu">
<meta name="description" content="Tỉnh triển khai chữ ký số chuyên dùng.">
</head><body><h1>Hội nghị về chữ ký số chuyên dùng</h1><div class="content">""" + PARAGRAPHS + """</div></body></html>"""


def test_json_ld_graph_page(parser):
    page = parser.parse(GRAPH_PAGE, url="https://sonla.gov.vn/tin/123")
    assert page.title == "Sơn La tổng kết công tác cơ yếu năm 2023"
    assert page.published == "2023-10-03T15:00:00+07:00"
    assert page.author == "Nguyễn Văn Hùng"
    assert page.category == "Chính trị"
    assert page.lead == "Ban Cơ yếu Chính phủ tổ chức hội nghị tổng kết tại Sơn La."
    assert (page.url, page.source) == ("https://sonla.gov.vn/tin/123", "sonla.gov.vn")
    assert "chữ ký số chuyên dùng" in page.text
    assert "Tin liên quan" not in page.text


def test_meta_only_page(parser):
    page = parser.parse(META_PAGE, url="http://127.0.0.1:8000/page.html")
    assert page.title == "Hội nghị về chữ ký số chuyên dùng"
    assert page.published == "2024-05-12T08:30:00+07:00"
    assert page.author == "Trần Minh Châu"
    assert page.category == "Thời sự"
    assert page.lead == "Tỉnh triển khai chữ ký số chuyên dùng."
    assert page.url == "https://www.sonla.gov.vn/tin-tuc/hoi-nghi-chu-ky-so.html"
    assert page.source == "sonla.gov.vn"


def test_double_escaped_json_ld_headline(parser):
    html = GRAPH_PAGE.replace("Sơn La tổng kết", "Chi&amp;#7871;n d&#7883;ch Sơn La tổng kết", 1)
    assert parser.parse(html).title == "Chiến dịch Sơn La tổng kết công tác cơ yếu năm 2023"


def test_profile_chosen_by_site_name_not_by_url(parser):
    html = ("<html><head><meta property='og:site_name' content='VnExpress'><meta property='og:type' "
            "content='article'></head><body><h1 class='title-detail'>Tiêu đề bài viết thử nghiệm</h1>"
            "<span class='date'>Thứ hai, 5/3/2020, 08:00 (GMT+7)</span><article class='fck_detail'>" + PARAGRAPHS +
            "<p class='Normal' style='text-align:right;'><strong>Minh Anh</strong></p></article></body></html>")
    page = parser.parse(html, url="http://127.0.0.1:8000/x.html")
    assert page.published == "2020-03-05T08:00:00+07:00"
    assert page.author == "Minh Anh"
    assert "Minh Anh" not in page.text
    assert page.source == "127.0.0.1"


GOVERNMENT_PAGE = """<html><head><title>Nâng cao chất lượng hoạt động cơ yếu tại Sơn La</title>
<link rel="canonical" href="https://{host}/chinh-sach---chien-luoc/nang-cao-chat-luong-hoat-dong-co-yeu-109000">
</head><body><div class="menuMain-top"><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li>
</ul></div><div class="newsDetail"><h1>Nâng cao chất lượng hoạt động cơ yếu tại Sơn La</h1>
<div class="time-topic">15:00 | 03/10/2023 | <a href="/chinh-sach---chien-luoc">CHÍNH SÁCH - CHIẾN LƯỢC</a></div>
<div class="news-Content"><div><strong>Lực lượng cơ yếu tỉnh cần nâng cao trình độ, đáp ứng yêu cầu nhiệm vụ chính
trị của Đảng bộ tỉnh.</strong></div><div class="txtNews">""" + PARAGRAPHS + """</div>
<p id="tacgia" style="text-align:right"><strong>Trần Hữu Nam</strong></p></div>
<div class="tagBox"><ul><li><a href="/tag/co-yeu">cơ yếu</a></li><li><a href="/tag/son-la">Sơn La</a></li></ul></div>
<div class="newsRelate"><a href="/x">Đoàn công tác làm việc tại các tỉnh Tây Nguyên về công tác cơ yếu</a></div>
</div></body></html>"""


@pytest.mark.parametrize("host", ["antoanthongtin.gov.vn", "bcy.gov.vn"])
def test_government_profiles_read_the_cms_layout(parser, host):
    """Pages without any metadata: the profile alone finds fields and body (layout of antoanthongtin.gov.vn)."""
    page = parser.parse(GOVERNMENT_PAGE.replace("{host}", host), url="http://127.0.0.1:8000/page.html")
    assert page.source == host
    assert page.title == "Nâng cao chất lượng hoạt động cơ yếu tại Sơn La"
    assert page.published == "2023-10-03T15:00:00+07:00"
    assert page.author == "Trần Hữu Nam"
    assert page.category == "CHÍNH SÁCH - CHIẾN LƯỢC"
    assert page.lead.startswith("Lực lượng cơ yếu tỉnh cần nâng cao trình độ")
    assert page.text.startswith("Sáng 3/10, tại thành phố Sơn La")
    for boilerplate in ("Trần Hữu Nam", "cơ yếu\nSơn La", "Đoàn công tác làm việc", "Trang chủ"):
        assert boilerplate not in page.text


def test_control_characters_are_ignored(parser):
    page = parser.parse(META_PAGE.replace("<h1>", "\x00\x0b<h1>"))
    assert page.title == "Hội nghị về chữ ký số chuyên dùng"


def vietnamese_cp1258(text: str) -> bytes:
    """windows-1258 bytes as legacy Vietnamese pages have them: tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_page(parser):
    html = META_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
    data = vietnamese_cp1258(html)
    assert "\u0301".encode("cp1258") in data        # the tone marks really are combining
    assert decode_html(data) == unicodedata.normalize("NFC", html)
    page = parser.parse(data)
    assert page.title == "Hội nghị về chữ ký số chuyên dùng"
    assert "chữ ký số chuyên dùng" in page.text


@pytest.mark.parametrize("meta, declared", [
    ('<meta charset="windows-1258">', None),          # utf-8 bytes, wrong meta
    ('<meta charset="iso-8859-1">', "iso-8859-1"),     # utf-8 bytes, wrong meta and header
    ('<meta charset="utf-8">', None),
])
def test_utf8_bytes_decode_whatever_the_declared_charset(meta, declared):
    html = META_PAGE.replace('<meta charset="utf-8">', meta)
    assert decode_html(html.encode("utf-8"), declared) == html


@pytest.mark.parametrize("meta, declared", [
    ('<meta charset="utf-8">', None),                  # legacy bytes, page claims utf-8
    ('<meta charset="iso-8859-1">', "iso-8859-1"),     # legacy bytes, labelled Latin-1
    ("", "windows-1258"),
    ("", "text/html; charset=windows-1258"),          # the whole Content-Type header
])
def test_legacy_bytes_decode_as_vietnamese(meta, declared):
    html = META_PAGE.replace('<meta charset="utf-8">', meta)
    assert decode_html(vietnamese_cp1258(html), declared) == html


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_mark(encoding):
    assert decode_html("<p>Đồng chí Hồ Văn Sơn</p>".encode(encoding)) == "<p>Đồng chí Hồ Văn Sơn</p>"


@pytest.mark.parametrize("html", [
    "", b"", "   \n ", "<html></html>", "<html><body><p>Trang không tồn tại.</p></body></html>",
    '<?xml version="1.0" encoding="utf-8"?><html><body></body></html>',
])
def test_empty_pages_are_no_article(parser, html):
    with pytest.raises(NoArticleError):
        parser.parse(html)


def test_listing_without_metadata_is_no_article(parser):
    items = "".join(f"<div class='item'><h3><a href='/tin-{i}.html'>Tin số {i}: Hội nghị tổng kết công tác cơ yếu "
                    f"tại tỉnh {i}</a></h3><p>Tóm tắt của tin số {i} về công tác cơ yếu, bảo mật và an toàn thông tin "
                    "ở địa phương.</p></div>" for i in range(20))
    with pytest.raises(NoArticleError, match="listing"):
        parser.parse(f"<html><head><meta property='og:type' content='article'></head><body>{items}</body></html>")


def test_page_record_and_dict():
    page = Page(url="https://bcy.gov.vn/a", source="bcy.gov.vn", title="Thanh Hoá", published=None,
                author="Lê Uỷ", category=None, lead=None, text="Uỷ ban  nhân dân\ntỉnh Thanh Hoá")
    assert page.to_record("a1") == {"id": "a1", "url": "https://bcy.gov.vn/a", "source": "bcy.gov.vn",
                                    "title": "Thanh Hóa", "published": None, "author": "Lê Ủy", "category": None,
                                    "lead": None, "text": "Ủy ban nhân dân\ntỉnh Thanh Hóa"}
    assert page.to_dict()["text"] == "Uỷ ban  nhân dân\ntỉnh Thanh Hoá"
    assert "bcy.gov.vn" in repr(page) and "chars" in repr(page)


# ---------------------------------------------------------------- dates, authors, profiles

@pytest.mark.parametrize("text, expected", [
    ("15:00 | 03/10/2023", "2023-10-03T15:00:00+07:00"),
    ("15:00 | 03/10/2023 | CHÍNH SÁCH - CHIẾN LƯỢC", "2023-10-03T15:00:00+07:00"),
    ("Thứ hai, 5/3/2020, 08:00 (GMT+7)", "2020-03-05T08:00:00+07:00"),
    ("07/03/2026 08:47", "2026-03-07T08:47:00+07:00"),
    ("- 07/03/2026 08:47", "2026-03-07T08:47:00+07:00"),
    ("03/10/2023 15:00 GMT+7", "2023-10-03T15:00:00+07:00"),
    ("07/03/2026 08:52 (GMT+07:00)", "2026-03-07T08:52:00+07:00"),
    ("07-03-2026 - 00:01 AM", "2026-03-07T00:01:00+07:00"),
    ("07-03-2026 - 01:30 PM", "2026-03-07T13:30:00+07:00"),
    ("Thứ bảy, 07/03/2026 - 08:07", "2026-03-07T08:07:00+07:00"),
    ("08h30 ngày 12/5/2021", "2021-05-12T08:30:00+07:00"),
    ("Thứ Bảy, Ngày 07 tháng 03 năm 2026", "2026-03-07T00:00:00+07:00"),
    ("12/5/2021 10:00 GMT+0", "2021-05-12T17:00:00+07:00"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00"),
    ("31/02/2024", None),
    ("2 giờ trước", None),
    ("", None),
])
def test_page_dates(text, expected):
    assert parse_page_date(text) == expected


@pytest.mark.parametrize("value, expected", [
    ("2025-10-11T10:02:08+0700", "2025-10-11T10:02:08+07:00"),
    ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00"),
    ("2026-03-07T00:01:00", "2026-03-07T00:01:00+07:00"),
    ("2026-03-06T17:01:00Z", "2026-03-07T00:01:00+07:00"),
    ("2023-10-03", "2023-10-03T00:00:00+07:00"),
    ("03/10/2023", None),
])
def test_iso_dates(value, expected):
    assert parse_iso_date(value) == expected


@pytest.fixture(scope="module")
def cleaner(parser) -> AuthorCleaner:
    return parser.authors


@pytest.mark.parametrize("byline, site_names, expected", [
    ("Theo Hồ Hương", [], "Hồ Hương"),
    ("Hà Thu (tổng hợp)", [], "Hà Thu"),
    ("NHẬT XUÂN;NGHI VŨ", [], "Nhật Xuân, Nghi Vũ"),
    ("THUẬN VĂN - LÊ ÁNH", [], "Thuận Văn, Lê Ánh"),
    ("Bài và ảnh: Trần Minh Châu", [], "Trần Minh Châu"),
    ("Minh Anh - Ảnh: Quốc Thanh", [], "Minh Anh"),
    ("Nguyễn Hoàng (TTXVN)", [], "Nguyễn Hoàng"),
    ("NHẬT XUÂN và 1 tác giả khác", [], "Nhật Xuân"),
    ("Theo VnExpress", [], None),
    ("Theo Reuters", [], None),
    ("TTXVN", [], None),
    ("Báo Chính phủ", [], None),
    ("PV", [], None),
    ("Nhóm PV", [], None),
    ("NLD.COM.VN", [], None),
    ("VCCorp.vn", [], None),
    ("https://www.facebook.com/baodantridientu", [], None),
    ("TUOI TRE ONLINE", ["Tuổi Trẻ Online", "tuoitre.vn", "tuoitre"], None),
    ("Dân Trí", ["Báo điện tử Dân Trí", "dantri.com.vn", "dantri"], None),
    ("Báo Sơn La", [], None),
])
def test_author_cleaning(cleaner, byline, site_names, expected):
    assert cleaner.clean([byline], site_names) == expected


def test_author_rules_round_trip():
    rules = AuthorRules.from_dict({"strip_prefixes": ["Theo", "Bài và ảnh:"], "not_people": ["TTXVN"]})
    assert rules.strip_prefixes == ("Bài và ảnh:", "Theo")
    assert AuthorCleaner(rules).clean(["Theo TTXVN", "Bài và ảnh: Lan Anh"]) == "Lan Anh"
    assert rules.to_dict()["not_people"] == ("TTXVN",)


def test_profiles_cover_the_sites(parser):
    profiles = parser.profiles
    domains = {site.domain for site in profiles.sites}
    assert {"baochinhphu.vn", "baodautu.vn", "cafef.vn", "dantri.com.vn", "nld.com.vn", "tuoitre.vn",
            "vietnamnet.vn", "vnexpress.net", "plo.vn", "bcy.gov.vn", "antoanthongtin.gov.vn"} <= domains
    assert all(site.title and site.published and site.body for site in profiles.sites)
    assert profiles.for_host("kinhdoanh.vnexpress.net").domain == "vnexpress.net"
    assert profiles.for_host("m.antoanthongtin.gov.vn").domain == "antoanthongtin.gov.vn"
    assert profiles.for_host("gov.vn") is None
    assert profiles.for_site_name("Báo Người Lao Động Online").domain == "nld.com.vn"
    assert profiles.for_site_name("TUOI TRE ONLINE").domain == "tuoitre.vn"


def test_bad_xpath_is_reported(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps({"sites": {"example.vn": {"title": ["//h1[@class="]}}}), encoding="utf-8")
    with pytest.raises(ValueError, match="example.vn"):
        SiteProfiles.load(path)
    with pytest.raises(ValueError, match="unknown keys"):
        SiteProfile.from_dict("example.vn", {"titel": ["//h1"]})
