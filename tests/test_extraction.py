"""Tables of real Vietnamese sentences with the records the pipeline must find."""

from __future__ import annotations

import pytest

from extract import Extractor


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def officials(doc):
    return {o.name: [(p.title, p.organization) for p in o.positions] for o in doc._.officials}


@pytest.mark.parametrize("sentence, expected", [
    ("Đồng chí Hồ Văn Sơn, Phó Bí thư Thường trực Tỉnh ủy Đồng Nai; đồng chí Nguyễn Hồng Hà, Phó Chủ tịch "
     "Ủy ban nhân dân tỉnh Bình Dương.",
     {"Hồ Văn Sơn": [("Phó Bí thư Thường trực", "Tỉnh ủy Đồng Nai")],
      "Nguyễn Hồng Hà": [("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Bình Dương")]}),
    ("Phó Bí thư Thường trực Tỉnh ủy Sơn La Lò Minh Hùng phát biểu tại buổi làm việc.",
     {"Lò Minh Hùng": [("Phó Bí thư Thường trực", "Tỉnh ủy Sơn La")]}),
    ("Đại tướng Ngô Xuân Lịch, Ủy viên Bộ Chính trị, Phó Bí thư Quân ủy Trung ương, Bộ trưởng Bộ Quốc phòng "
     "phát biểu.",
     {"Ngô Xuân Lịch": [("Ủy viên", "Bộ Chính trị"), ("Phó Bí thư", "Quân ủy Trung ương"),
                        ("Bộ trưởng", "Bộ Quốc phòng")]}),
    ("Ông Phạm Tấn Xiếu – Chánh Văn phòng UBND tỉnh Đồng Tháp cho biết sẽ thu hồi quyết định.",
     {"Phạm Tấn Xiếu": [("Chánh Văn phòng", "Ủy ban nhân dân tỉnh Đồng Tháp")]}),
    ("Ông Võ Văn Điệp tố cáo ông Phan Văn Thương (Chủ tịch UBND TP. Cao Lãnh) và ông Đặng Văn Nang "
     "(Phó Chủ tịch UBND TP. Cao Lãnh).",
     {"Phan Văn Thương": [("Chủ tịch", "Ủy ban nhân dân thành phố Cao Lãnh")],
      "Đặng Văn Nang": [("Phó Chủ tịch", "Ủy ban nhân dân thành phố Cao Lãnh")]}),
    ("Chủ tịch Quốc hội Nguyễn Thị Kim Ngân và Chủ tịch Quốc hội Lào Pany Yathotou dự lễ.",
     {"Nguyễn Thị Kim Ngân": [("Chủ tịch", "Quốc hội")], "Pany Yathotou": [("Chủ tịch", "Quốc hội Lào")]}),
    ("PV đã liên hệ với ông Dương Hồng Lạc – Chánh Thanh tra tỉnh Đồng Tháp.",
     {"Dương Hồng Lạc": [("Chánh Thanh tra", "Thanh tra tỉnh Đồng Tháp")]}),
    ("Thủ tướng Chính phủ Nguyễn Xuân Phúc chủ trì hội nghị.",
     {"Nguyễn Xuân Phúc": [("Thủ tướng", "Chính phủ")]}),
    ("Ông Nguyễn Minh Hiển, nguyên Bộ trưởng Bộ Giáo dục và Đào tạo, cho rằng cần đổi mới.",
     {"Nguyễn Minh Hiển": [("nguyên Bộ trưởng", "Bộ Giáo dục và Đào tạo")]}),
    ("Ông Nguyễn Văn An, Giám đốc Công ty TNHH Minh Phát, cho biết doanh thu tăng.", {}),
    ("Ông Võ Văn Điệp (59 tuổi, ngụ xã Hòa An) gửi đơn tố cáo.", {}),
    ("Ông Eric Xu, Chủ tịch luân phiên của Huawei, cho biết.", {}),           # no public body named
    ("Ông Nguyễn Văn Dương – Chủ tịch tỉnh Đồng Tháp – đã ký quyết định.",
     {"Nguyễn Văn Dương": [("Chủ tịch", "Ủy ban nhân dân tỉnh Đồng Tháp")]}),
    ("Dự hội nghị có các đồng chí Phó Chủ tịch UBND tỉnh Nghệ An: Lê Xuân Đại, Đinh Viết Hồng cùng đại diện các sở.",
     {"Lê Xuân Đại": [("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Nghệ An")],
      "Đinh Viết Hồng": [("Phó Chủ tịch", "Ủy ban nhân dân tỉnh Nghệ An")]}),
    ("Hội nghị có sự tham dự của ông Vũ Xuân Hùng, Vụ trưởng Vụ Đào tạo chính quy, Tổng cục Giáo dục nghề nghiệp.",
     {"Vũ Xuân Hùng": [("Vụ trưởng", "Vụ Đào tạo chính quy, Tổng cục Giáo dục nghề nghiệp")]}),
    ("Đoàn kiểm tra do Ủy viên Bộ Chính trị, Trưởng ban Tuyên giáo Trung ương Võ Văn Thưởng làm Trưởng đoàn.",
     {"Võ Văn Thưởng": [("Ủy viên", "Bộ Chính trị"), ("Trưởng Ban", "Ban Tuyên giáo Trung ương")]}),
    ("Nguyên Bí thư Tỉnh ủy Bình Định Nguyễn Văn Thiện Chiều nay, Văn phòng Trung ương Đảng ra thông cáo.",
     {"Nguyễn Văn Thiện": [("nguyên Bí thư", "Tỉnh ủy Bình Định")]}),
])
def test_officials(ex, sentence, expected):
    assert officials(ex.doc(sentence)) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Đồng Nai, Bình Dương, Bình Phước tăng cường sự phối hợp công tác cơ yếu.",
     ["Đồng Nai", "Bình Dương", "Bình Phước"]),
    ("Đoàn công tác làm việc tại Tỉnh ủy Hòa Bình, Sơn La và Điện Biên.", ["Hòa Bình", "Sơn La", "Điện Biên"]),
    ("Âm mưu “Diễn biến hòa bình” của các thế lực thù địch.", []),
    ("Sơn La có đường biên giới giáp tỉnh Hủa Phăn và Luông Pha Bang của Lào.", ["Sơn La"]),
    ("Sở Tài nguyên - Môi trường TP.HCM đã có văn bản.", ["Hồ Chí Minh"]),
    ("Người dân TPHCM và Sài Gòn xưa.", ["Hồ Chí Minh"]),
    ("Cửa hàng nằm trên đường Điện Biên Phủ, quận Bình Thạnh.", []),
    ("Các tỉnh Tây Nguyên và Tây Bắc, vùng Đồng bằng sông Cửu Long.", []),
    ("Ông Nguyễn Thái Bình phát biểu.", []),
    ("Tàu thuyền hoạt động trên Thái Bình Dương.", []),
    ("Lễ diễn ra tại thành phố Sơn La (tỉnh Sơn La).", ["Sơn La"]),
    ("Tỉnh Thừa Thiên Huế và tỉnh Bà Rịa - Vũng Tàu, Đắk Lắk.", ["Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk"]),
    ("Tư tưởng Hồ Chí Minh và Đoàn TNCS Hồ Chí Minh.", []),
])
def test_provinces(ex, sentence, expected):
    assert [p.province for p in ex.doc(sentence)._.provinces] == expected


@pytest.mark.parametrize("name, successor, code", [
    ("Bình Dương", "Hồ Chí Minh", "74"), ("Bình Phước", "Đồng Nai", "70"), ("Hòa Bình", "Phú Thọ", "17"),
])
def test_province_2025(ex, name, successor, code):
    [p] = ex.doc(f"Đoàn công tác làm việc tại tỉnh {name}.")._.provinces
    assert (p.province, p.province_2025, p.code) == (name, successor, code)


@pytest.mark.parametrize("sentence, expected", [
    ("Tham gia có Trung tâm Công nghệ thông tin - Cơ yếu, Văn phòng Trung ương Đảng; Cục Viễn thông và Cơ yếu, "
     "Bộ Công an; Cục Quản lý kỹ thuật nghiệp vụ mật mã; Học viện Kỹ thuật mật mã.",
     {"Trung tâm Công nghệ thông tin - Cơ yếu", "Văn phòng Trung ương Đảng", "Cục Viễn thông và Cơ yếu",
      "Bộ Công an", "Cục Quản lý kỹ thuật nghiệp vụ mật mã"}),
    ("Đoàn công tác làm việc tại Tỉnh ủy Hòa Bình, Sơn La và Điện Biên.",
     {"Tỉnh ủy Hòa Bình", "Tỉnh ủy Sơn La", "Tỉnh ủy Điện Biên"}),
    ("UBND tỉnh Hải Dương và HĐND tỉnh Hải Dương đã họp.",
     {"Ủy ban nhân dân tỉnh Hải Dương", "Hội đồng nhân dân tỉnh Hải Dương"}),
    ("Sở GD&ĐT Hà Nội phối hợp với Bộ TT&TT.", {"Sở Giáo dục và Đào tạo Hà Nội", "Bộ Thông tin và Truyền thông"}),
    ("Ban Thường vụ Quân ủy Trung ương và Ban Thường vụ Thành ủy Hà Nội thống nhất đánh giá.",
     {"Ban Thường vụ Quân ủy Trung ương", "Ban Thường vụ Thành ủy Hà Nội", "Thành ủy Hà Nội"}),
    ("Ông Vũ Anh Tú, Phó Vụ trưởng Vụ Quy hoạch kiến trúc Bộ Xây dựng cho biết.",
     {"Vụ Quy hoạch kiến trúc", "Bộ Xây dựng"}),
    ("Công ty TNHH MTV 129 và Ngân hàng Vietcombank tài trợ.", set()),
    ("Một lãnh đạo Tỉnh ủy tỉnh Hải Dương cho biết.", {"Tỉnh ủy Hải Dương"}),
    ("Bộ Y tế yêu cầu 7 Sở Y tế: Hải Phòng, Cần Thơ và Gia Lai báo cáo.",
     {"Bộ Y tế", "Sở Y tế Hải Phòng", "Sở Y tế Cần Thơ", "Sở Y tế Gia Lai"}),
    ("UBND tỉnh An Giang chỉ đạo Bộ Chỉ huy Quân sự tỉnh, Công an tỉnh phối hợp. Đồng Tháp cũng tham gia.",
     {"Ủy ban nhân dân tỉnh An Giang", "Bộ Chỉ huy Quân sự tỉnh An Giang", "Công an tỉnh An Giang"}),
    ("Giải pháp bảo mật cho Ban Tổ chức, Ủy ban kiểm tra Tỉnh ủy.", {"Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"}),
])
def test_agencies(ex, sentence, expected):
    assert {a.name for a in ex.doc(sentence)._.agencies} == expected


def test_agency_parent(ex):
    agencies = {a.name: a.parent for a in ex.doc("Ông Vũ Anh Tú, Phó Vụ trưởng Vụ Quy hoạch kiến trúc Bộ Xây dựng.")
                ._.agencies}
    assert agencies["Vụ Quy hoạch kiến trúc"] == "Bộ Xây dựng"


@pytest.mark.parametrize("sentence, expected", [
    ("việc triển khai thực hiện Nghị quyết 56-NQ/TW ngày 5/3/2020 của Bộ Chính trị về Chiến lược phát triển "
     "ngành cơ yếu; Nghị quyết 27/NQ-CP ngày 11/8/2020 của Chính phủ ban hành chương trình hành động thực hiện "
     "Nghị quyết số 56.",
     [("Nghị quyết", "56-NQ/TW", "2020-03-05", "Bộ Chính trị", None),
      ("Nghị quyết", "27/NQ-CP", "2020-08-11", "Chính phủ", None)]),
    ("UBND tỉnh thu hồi và hủy Quyết định số 37/QĐ-UBND-TL ngày 27 tháng 3 năm 2017 về việc thụ lý.",
     [("Quyết định", "37/QĐ-UBND-TL", "2017-03-27", "Ủy ban nhân dân", None)]),
    ("Theo Nghị định số 40/NĐ-CP ngày 26/4/2013 của Chính phủ và Chỉ thị số 02/CT-TTg ngày 04/7/2018.",
     [("Nghị định", "40/NĐ-CP", "2013-04-26", "Chính phủ", None),
      ("Chỉ thị", "02/CT-TTg", "2018-07-04", "Thủ tướng Chính phủ", None)]),
    ("Thực hiện Công điện số 02/CĐ-UBND ngày 26/4/2021 của Chủ tịch UBND tỉnh Hải Dương.",
     [("Công điện", "02/CĐ-UBND", "2021-04-26", "Chủ tịch Ủy ban nhân dân tỉnh Hải Dương", None)]),
    ("Ban Thường vụ Tỉnh ủy tại Thông báo số 203-TB/TU ngày 28/4/2021.",
     [("Thông báo", "203-TB/TU", "2021-04-28", "Ban Thường vụ Tỉnh ủy", None)]),
    ("Theo Nghị định 36/2016/NĐ-CP, doanh nghiệp phải công bố.",
     [("Nghị định", "36/2016/NĐ-CP", None, "Chính phủ", None)]),
    ("Triển khai Luật Cơ yếu, Luật An ninh mạng và Luật Bảo vệ bí mật nhà nước trên địa bàn.",
     [("Luật", None, None, None, "Cơ yếu"), ("Luật", None, None, None, "An ninh mạng"),
      ("Luật", None, None, None, "Bảo vệ bí mật nhà nước")]),
    ("Việc sửa đổi Nghị định 86 đang được lấy ý kiến; Nghị định này quy định điều kiện kinh doanh.",
     [("Nghị định", "86", None, None, None)]),
    ("Luật sư Nguyễn Văn A cho biết quyết định xử phạt là đúng quy định của luật.", []),
    ("Bộ luật Hình sự 2015 quy định rõ tội danh này.", [("Bộ luật", None, None, None, "Hình sự")]),
    ("Tại Công văn số 4708/BKHĐT-TH ngày 9.6.2017, bộ nêu rõ hạn mức vốn.",
     [("Công văn", "4708/BKHĐT-TH", "2017-06-09", "Bộ Kế hoạch và Đầu tư", None)]),
    ("Báo cáo thực hiện Nghị quyết 36a/NQ-CP về Chính phủ điện tử và Nghị quyết số 19-2017/NQ-CP.",
     [("Nghị quyết", "36a/NQ-CP", None, "Chính phủ", None), ("Nghị quyết", "19-2017/NQ-CP", None, "Chính phủ", None)]),
    ("Thực hiện Kế hoạch số 04-KH/TW của Bộ Chính trị; Kế hoạch số 4-KH/TW ngày 16/11/2016 đặt 14 nhiệm vụ.",
     [("Kế hoạch", "04-KH/TW", "2016-11-16", "Bộ Chính trị", None)]),
    ("Công ty Luật TNHH Minh Khuê tư vấn về Luật Hàn Quốc.", []),
    ("Theo Nghị quyết số 60-NQ/TW ngày 12 tháng 4 năm 2025 của Hội nghị lần thứ 11 Ban Chấp hành Trung ương Đảng.",
     [("Nghị quyết", "60-NQ/TW", "2025-04-12", "Ban Chấp hành Trung ương Đảng", None)]),
])
def test_legal_documents(ex, sentence, expected):
    found = [(d.doc_type, d.number, d.issue_date, d.issuer, d.title) for d in ex.doc(sentence)._.legal_documents]
    assert found == expected


def test_back_reference_is_a_mention_not_a_document(ex):
    doc = ex.doc("Thực hiện Nghị quyết 56-NQ/TW của Bộ Chính trị. Nghị quyết số 56 đặt mục tiêu đến năm 2030.")
    [document] = doc._.legal_documents
    assert [m.text for m in document.mentions] == ["Nghị quyết 56-NQ/TW", "Nghị quyết số 56"]


def test_short_references_link_to_the_full_name(ex):
    doc = ex.doc("Đồng chí Nguyễn Hữu Hùng, Phó Trưởng ban Ban Cơ yếu Chính phủ dẫn đầu đoàn. "
                 "Đồng chí Hùng đề nghị các tỉnh quan tâm.")
    [official] = doc._.officials
    assert official.name == "Nguyễn Hữu Hùng"
    assert [m.text for m in official.mentions] == ["Nguyễn Hữu Hùng", "Hùng"]


def test_offsets_point_into_the_normalised_text(ex):
    doc = ex.doc("Ủy ban nhân dân tỉnh Hoà Bình  họp tại   Thanh Hoá.")
    assert doc.text == "Ủy ban nhân dân tỉnh Hòa Bình họp tại Thanh Hóa."
    for kind in ("provinces", "agencies"):
        for record in getattr(doc._, kind):
            for m in record.mentions:
                assert doc.text[m.start:m.end] == m.text
    assert {e.label_ for e in doc.ents} == {"AGENCY", "PROVINCE"}
