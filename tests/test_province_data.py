"""The province gazetteer in models/provinces/: shape, facts and reproducibility."""

from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parent.parent / "models"
PROVINCES_DIR = MODELS / "provinces"

# Resolution 202/2025/QH15 of the National Assembly (in force 1 July 2025):
# each post-merger unit and the pre-merger units it was formed from. Typed
# here as an oracle independent of the packages the CSVs are built from.
RESOLUTION_202 = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
    # unchanged
    "Hà Nội": ["Hà Nội"],
    "Huế": ["Thừa Thiên Huế"],
    "Lai Châu": ["Lai Châu"],
    "Điện Biên": ["Điện Biên"],
    "Sơn La": ["Sơn La"],
    "Lạng Sơn": ["Lạng Sơn"],
    "Quảng Ninh": ["Quảng Ninh"],
    "Thanh Hóa": ["Thanh Hóa"],
    "Nghệ An": ["Nghệ An"],
    "Hà Tĩnh": ["Hà Tĩnh"],
    "Cao Bằng": ["Cao Bằng"],
}

# Codes that changed on 1 July 2025 (Decision 19/2025/QĐ-TTg): old, new.
CHANGED_CODES = {
    "Lào Cai": ("10", "15"),
    "Bắc Ninh": ("27", "24"),
    "Quảng Trị": ("45", "44"),
    "Gia Lai": ("64", "52"),
    "Tây Ninh": ("72", "80"),
    "Đồng Tháp": ("87", "82"),
    "An Giang": ("89", "91"),
}

CENTRAL_CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ", "Huế"}


def read(name: str) -> tuple[list[str], list[dict]]:
    with (PROVINCES_DIR / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def provinces() -> list[dict]:
    return read("provinces.csv")[1]


@pytest.fixture(scope="module")
def by_name(provinces) -> dict[str, dict]:
    return {row["name"]: row for row in provinces}


@pytest.fixture(scope="module")
def aliases() -> list[dict]:
    return read("aliases.csv")[1]


@pytest.fixture(scope="module")
def not_provinces() -> list[dict]:
    return read("not_provinces.csv")[1]


def test_columns():
    assert read("provinces.csv")[0] == ["name", "unit", "full_name", "period", "code", "successor", "successor_code"]
    assert read("aliases.csv")[0] == ["alias", "name", "kind"]
    assert read("not_provinces.csv")[0] == ["phrase", "reason"]


def test_counts(provinces, by_name):
    assert len(by_name) == len(provinces), "a name appears twice"
    periods = [row["period"] for row in provinces]
    assert set(periods) <= {"pre2025", "post2025", "both"}
    assert sum(p in ("pre2025", "both") for p in periods) == 63
    assert sum(p in ("post2025", "both") for p in periods) == 34
    assert len(provinces) == 64  # 30 pre-only + 33 in both + Huế


def test_codes_are_two_digits_and_unique_per_period(provinces):
    for row in provinces:
        assert re.fullmatch(r"\d\d", row["code"]), row
        assert re.fullmatch(r"\d\d", row["successor_code"]), row
    old = [r["code"] for r in provinces if r["period"] != "post2025"]
    new = [r["successor_code"] for r in provinces if r["period"] != "pre2025"]
    assert len(set(old)) == 63
    assert len(set(new)) == 34


def test_every_successor_is_a_post_merger_row(provinces, by_name):
    for row in provinces:
        successor = by_name[row["successor"]]
        assert successor["period"] in ("post2025", "both"), row
        assert successor["successor"] == successor["name"]
        assert row["successor_code"] == successor["successor_code"], row
        if row["period"] != "pre2025":
            assert row["successor"] == row["name"], row


@pytest.mark.parametrize(
    "old, new",
    [
        ("Bình Dương", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Bình Phước", "Đồng Nai"),
        ("Hòa Bình", "Phú Thọ"),
        ("Thừa Thiên Huế", "Huế"),
        ("Hà Giang", "Tuyên Quang"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Hải Dương", "Hải Phòng"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Phú Yên", "Đắk Lắk"),
        ("Sơn La", "Sơn La"),
    ],
)
def test_examples(by_name, old, new):
    assert by_name[old]["successor"] == new


def test_whole_mapping_matches_resolution_202(provinces):
    built = {}
    for row in provinces:
        if row["period"] != "post2025":
            built.setdefault(row["successor"], set()).add(row["name"])
    assert built == {new: set(olds) for new, olds in RESOLUTION_202.items()}


def test_periods_of_named_units(by_name):
    for name in ("Hà Nội", "Hồ Chí Minh", "Sơn La", "Đồng Nai", "Đắk Lắk", "Khánh Hòa", "Thanh Hóa"):
        assert by_name[name]["period"] == "both", name
    for name in ("Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Hòa Bình", "Bình Dương", "Bình Phước"):
        assert by_name[name]["period"] == "pre2025", name
    assert by_name["Huế"]["period"] == "post2025"


def test_codes(by_name):
    assert by_name["Hà Nội"]["code"] == "01"
    assert by_name["Hồ Chí Minh"]["code"] == "79"
    assert by_name["Thừa Thiên Huế"]["code"] == "46"
    assert by_name["Huế"]["code"] == "46"
    assert by_name["Bình Dương"]["code"] == "74"
    assert by_name["Bình Dương"]["successor_code"] == "79"
    for name, (old, new) in CHANGED_CODES.items():
        assert (by_name[name]["code"], by_name[name]["successor_code"]) == (old, new), name
    for row in by_name.values():
        if row["period"] == "both" and row["name"] not in CHANGED_CODES:
            assert row["code"] == row["successor_code"], row


def test_units_and_full_names(provinces):
    for row in provinces:
        assert row["unit"] in ("tỉnh", "thành phố")
        prefix = "Tỉnh" if row["unit"] == "tỉnh" else "Thành phố"
        assert row["full_name"] == f"{prefix} {row['name']}"
    cities = {r["name"] for r in provinces if r["unit"] == "thành phố"}
    assert cities == CENTRAL_CITIES


OLD_TONE_PLACEMENT = re.compile(r"(?i)(?:o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)")


def _all_cells():
    for name in ("provinces.csv", "aliases.csv", "not_provinces.csv"):
        for row in read(name)[1]:
            for value in row.values():
                yield name, value


def test_text_is_nfc_with_modern_tone_marks():
    from extract.normalize import normalize_text

    for name, value in _all_cells():
        assert unicodedata.is_normalized("NFC", value), (name, value)
        assert not OLD_TONE_PLACEMENT.search(value), (name, value)
        assert normalize_text(value) == value, (name, value)


def test_names_as_annotation_md_wants(by_name):
    for name in ("Đồng Nai", "Hồ Chí Minh", "Thừa Thiên Huế", "Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Hòa Bình",
                 "Khánh Hòa", "Thanh Hóa"):
        assert name in by_name, name


def test_aliases_point_to_existing_names(aliases, by_name):
    seen = set()
    for row in aliases:
        assert row["name"] in by_name, row
        assert row["kind"] in ("abbreviation", "spelling", "other"), row
        assert row["alias"] not in by_name, row
        assert row["alias"] != row["name"]
        assert row["alias"] not in seen, row
        seen.add(row["alias"])


def test_expected_aliases(aliases):
    pairs = {(r["alias"], r["name"]) for r in aliases}
    for alias, name in [
        ("TP.HCM", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("TP HCM", "Hồ Chí Minh"),
        ("TP. HCM", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("BR-VT", "Bà Rịa - Vũng Tàu"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Đăk Nông", "Đắk Nông"),
        ("Kontum", "Kon Tum"),
    ]:
        assert (alias, name) in pairs, alias
    names_aliased = {r["alias"] for r in aliases}
    assert "Huế" not in names_aliased  # the post-2025 name, not a variant of Thừa Thiên Huế
    assert "HN" not in names_aliased


def test_not_provinces(not_provinces, aliases, by_name):
    phrases = [r["phrase"] for r in not_provinces]
    assert len(set(phrases)) == len(phrases)
    targets = set(by_name) | {r["alias"] for r in aliases}
    for row in not_provinces:
        assert row["phrase"] not in targets, row
        assert row["reason"], row
    for phrase in ("Thái Bình Dương", "Điện Biên Phủ", "Đồng Tháp Mười", "Hà Nam Ninh", "Nghĩa Bình", "Hà Sơn Bình",
                   "Quảng Nam - Đà Nẵng", "Bình Trị Thiên", "Cửu Long", "Chủ tịch Hồ Chí Minh", "Trương Hòa Bình",
                   "Hiệp Bình Phước"):
        assert phrase in phrases, phrase


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_provinces", MODELS / "build_provinces.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_csvs_equal_what_the_build_script_generates(tmp_path):
    builder = _load_builder()
    written = builder.build(tmp_path)
    assert sorted(p.name for p in written) == ["aliases.csv", "not_provinces.csv", "provinces.csv"]
    for path in written:
        assert path.read_bytes() == (PROVINCES_DIR / path.name).read_bytes(), (
            f"{path.name} is stale: run python models/build_provinces.py"
        )
