"""Regenerate the province gazetteer in ``models/provinces/``.

Run from the repository root::

    python models/build_provinces.py            # writes models/provinces/*.csv
    python models/build_provinces.py --out DIR  # writes somewhere else

Sources (installed packages, read offline):

* ``underthesea`` (``underthesea/address/data/mapping.json``, built by its
  ``build_mapping.py`` from the ``vietnamadminunits`` package): the 63
  province-level units before 1 July 2025 and the 34 after, with their
  official two-digit codes, and which new unit each old one went into
  (Resolution 202/2025/QH15).
* ``vietnam-provinces`` (the General Statistics Office list): the 34 units
  from 1 July 2025 with code and type (tỉnh / thành phố trung ương). It has
  no pre-merger units. It is used to cross-check the 34: the build stops if
  the two packages disagree on a name, code or unit type.

What the packages do not carry is written out below as data, with a note on
where it comes from: the pre-2025 name of code 46, the variants news text
uses for a province name (``ALIASES``), and capitalised names that contain a
province name but are not a province (``CURATED_NOT_PROVINCES``). Lower-level
units whose name contains a province name ("Hiệp Bình Phước", "Điện Biên
Đông") are added to not_provinces.csv from the packages' ward and district
lists.

The output is deterministic: same packages, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "provinces"

PROVINCE_COLUMNS = ["name", "unit", "full_name", "period", "code", "successor", "successor_code"]
ALIAS_COLUMNS = ["alias", "name", "kind"]
NOT_PROVINCE_COLUMNS = ["phrase", "reason"]

PERIODS = ("pre2025", "post2025", "both")
ALIAS_KINDS = ("abbreviation", "spelling", "other")

# The full-name prefix for each unit type (lower-case in the ``unit`` column).
UNIT_PREFIXES = {"tỉnh": "Tỉnh", "thành phố": "Thành phố"}

# underthesea's pre-merger list is a snapshot of 30 June 2025, when code 46 was
# already "Thành phố Huế" (Resolution 1314/NQ-UBTVQH15, in force 1 January
# 2025). Before that it was Tỉnh Thừa Thiên Huế, the name news up to 2024
# uses and annotation.md asks for ("Thừa Thiên Huế" before 2025, "Huế"
# after). We keep the province name for the pre-merger row; the centrally-run
# city Huế is the post-2025 row.
PRE_MERGER_NAMES = {"46": ("tỉnh", "Thừa Thiên Huế")}

# Ways the press writes a province-level name other than its short official
# name (unit words such as "tỉnh", "TP." are the extractor's business, except
# where they are fused into one token, as in "TP.HCM"). Every row is attested
# in Vietnamese news: ``attested`` is how often it occurs in the two news
# archives in shared/data (baomoi 2017, dantri 2020-21), after text
# normalisation; "Đắk Lắk"-type spellings with "Đăk", "Đắc" are the older
# official or common spellings of the Central Highlands names, "Bắc Cạn" the
# older spelling of Bắc Kạn. Not included, on purpose: "HN", "Hanoi",
# "Saigon" (mostly brand names: "Saigon Co.op"), "TTH" (also photo credits and
# tickers), nicknames such as "Thủ đô", "Đất Cảng", "xứ Thanh", and "Huế" for
# the pre-merger Thừa Thiên Huế (Huế is the post-2025 name). Bare "HCM" (71
# times outside "TP.HCM" and the like) is also a stock ticker and short for
# the Hồ Chí Minh road ("đường HCM"): trust it only after a unit word
# ("thành phố HCM").
ALIASES = """\
alias,name,kind,attested
TP.HCM,Hồ Chí Minh,abbreviation,7379
TPHCM,Hồ Chí Minh,abbreviation,1872
TP HCM,Hồ Chí Minh,abbreviation,1723
TP. HCM,Hồ Chí Minh,abbreviation,348
Tp.HCM,Hồ Chí Minh,abbreviation,103
Tp. HCM,Hồ Chí Minh,abbreviation,30
Tp HCM,Hồ Chí Minh,abbreviation,4
HCM,Hồ Chí Minh,abbreviation,71
Sài Gòn,Hồ Chí Minh,other,2079
Thừa Thiên - Huế,Thừa Thiên Huế,spelling,266
Thừa Thiên-Huế,Thừa Thiên Huế,spelling,136
Thừa Thiên – Huế,Thừa Thiên Huế,spelling,43
Thừa Thiên- Huế,Thừa Thiên Huế,spelling,34
Thừa Thiên -Huế,Thừa Thiên Huế,spelling,4
TT-Huế,Thừa Thiên Huế,abbreviation,46
TT- Huế,Thừa Thiên Huế,abbreviation,4
TT.Huế,Thừa Thiên Huế,abbreviation,1
Bà Rịa-Vũng Tàu,Bà Rịa - Vũng Tàu,spelling,163
Bà Rịa – Vũng Tàu,Bà Rịa - Vũng Tàu,spelling,77
Bà Rịa- Vũng Tàu,Bà Rịa - Vũng Tàu,spelling,30
Bà Rịa Vũng Tàu,Bà Rịa - Vũng Tàu,spelling,19
Bà Rịa -Vũng Tàu,Bà Rịa - Vũng Tàu,spelling,9
BR-VT,Bà Rịa - Vũng Tàu,abbreviation,17
BRVT,Bà Rịa - Vũng Tàu,abbreviation,2
Đăk Lăk,Đắk Lắk,spelling,49
Đắc Lắc,Đắk Lắk,spelling,20
Đắk Lăk,Đắk Lắk,spelling,4
Đăk Lắk,Đắk Lắk,spelling,3
Daklak,Đắk Lắk,spelling,1
Đăk Nông,Đắk Nông,spelling,39
Đắc Nông,Đắk Nông,spelling,5
Kontum,Kon Tum,spelling,5
Bắc Cạn,Bắc Kạn,spelling,21
"""

# Capitalised names (and a few fixed phrases) that contain a province name or
# alias but do not refer to a province; the extractor skips them whole.
# Sources: the administrative history of Vietnam (former provinces), and the
# most frequent such names in the news archives in shared/data. Left out on
# purpose: the former provinces Nam Hà and Bắc Thái, whose names run into a
# province name after a compass word ("phía Nam Hà Nội", "Bắc Thái Bình"),
# so skipping them whole would swallow a real mention.
CURATED_NOT_PROVINCES = """\
phrase,reason
Thái Bình Dương,the Pacific Ocean (also in Châu Á - Thái Bình Dương)
Điện Biên Phủ,"city in Điện Biên, the 1954 battle, and street names"
Điện Biên Đông,district of Điện Biên province
Đồng Tháp Mười,the Plain of Reeds region
Mũi Cà Mau,Cape Cà Mau (landmark and national park)
Đại lộ Bình Dương,"highway (Quốc lộ 13), a street"
Phố Huế,street and ward in Hà Nội
Hà Nam Ninh,former province (Hà Nam + Nam Định + Ninh Bình) until 1991
Nghĩa Bình,former province (Quảng Ngãi + Bình Định) until 1989
Hà Sơn Bình,former province (Hà Tây + Hòa Bình) until 1991
Bình Trị Thiên,former province (Quảng Bình + Quảng Trị + Thừa Thiên Huế) until 1989
Quảng Nam - Đà Nẵng,former province (Quảng Nam + Đà Nẵng) until 1996
Quảng Nam-Đà Nẵng,former province (Quảng Nam + Đà Nẵng) until 1996
Gia Lai - Kon Tum,former province (Gia Lai + Kon Tum) until 1991
Gia Lai-Kon Tum,former province (Gia Lai + Kon Tum) until 1991
Cửu Long,"former province (Vĩnh Long + Trà Vinh) until 1991, and the Mekong (sông Cửu Long)"
Nghệ Tĩnh,former province (Nghệ An + Hà Tĩnh) until 1991
Hải Hưng,former province (Hải Dương + Hưng Yên) until 1996
Hà Bắc,"former province (Bắc Giang + Bắc Ninh) until 1996, and Hebei, China"
Minh Hải,former province (Bạc Liêu + Cà Mau) until 1996
Vĩnh Phú,former province (Vĩnh Phúc + Phú Thọ) until 1996
Hà Tuyên,former province (Hà Giang + Tuyên Quang) until 1991
Hoàng Liên Sơn,former province (Lào Cai + Yên Bái) until 1991
Phú Khánh,former province (Phú Yên + Khánh Hòa) until 1989
Thuận Hải,former province (Ninh Thuận + Bình Thuận) until 1991
Cao Lạng,former province (Cao Bằng + Lạng Sơn) until 1978
Sông Bé,former province (Bình Dương + Bình Phước) until 1996
Hà Tây,former province merged into Hà Nội in 2008
"Hà Nam, Trung Quốc","Henan province, China (Hà Nam in Vietnamese)"
Hà Nam (Trung Quốc),"Henan province, China (Hà Nam in Vietnamese)"
"Thái Nguyên, Sơn Tây","Taiyuan, Shanxi, China"
"Thái Nguyên, tỉnh Sơn Tây","Taiyuan, Shanxi, China"
Chủ tịch Hồ Chí Minh,President Hồ Chí Minh (person; also Lăng Chủ tịch Hồ Chí Minh)
tư tưởng Hồ Chí Minh,Hồ Chí Minh Thought (person)
đạo đức Hồ Chí Minh,Hồ Chí Minh's ethics (person)
phong cách Hồ Chí Minh,Hồ Chí Minh's style (person)
đường mòn Hồ Chí Minh,the Hồ Chí Minh trail
Đoàn Thanh niên Cộng sản Hồ Chí Minh,the Youth Union (named after the person)
Đoàn TNCS Hồ Chí Minh,the Youth Union (named after the person)
Đội Thiếu niên Tiền phong Hồ Chí Minh,the Young Pioneers (named after the person)
Học viện Chính trị quốc gia Hồ Chí Minh,the national political academy (named after the person)
Viện Hồ Chí Minh,institute (named after the person)
Bảo tàng Hồ Chí Minh,museum (named after the person)
Giải thưởng Hồ Chí Minh,state prize (named after the person)
Huân chương Hồ Chí Minh,order (named after the person)
Chiến dịch Hồ Chí Minh,the 1975 campaign
Trương Hòa Bình,person (Deputy Prime Minister 2016-2021)
Nguyễn Hòa Bình,person (Chief Justice 2016-2024)
Phí Thái Bình,person (former Vice Chairman of Hà Nội's People's Committee)
Thủy điện Hòa Bình,power plant
Thủy điện Sơn La,power plant
Thủy điện Tuyên Quang,power plant
Nhiệt điện Thái Bình,power plant
Đạm Ninh Bình,fertiliser plant and company
Đạm Cà Mau,fertiliser plant and company
Ethanol Phú Thọ,ethanol plant
Ethanol Bình Phước,ethanol plant
Formosa Hà Tĩnh,steel company
Hoàng Anh Gia Lai,company and football club
HA Gia Lai,football club (Hoàng Anh Gia Lai)
Quốc Cường Gia Lai,company
Than Quảng Ninh,football club
SHB Đà Nẵng,football club
FLC Thanh Hóa,football club
Sanna Khánh Hòa,football club
Sông Lam Nghệ An,football club
SL Nghệ An,football club (Sông Lam Nghệ An)
Becamex Bình Dương,company and football club
XSKT Cần Thơ,football club
Hà Nội FC,football club
Sài Gòn FC,football club
Quảng Nam FC,football club
Sài Gòn Thương Tín,bank (Sacombank)
Tân Cảng Sài Gòn,port company
Cảng Sài Gòn,port company
Thảo Cầm Viên Sài Gòn,the zoo
Sài Gòn Giải Phóng,newspaper
Hà Nội Mới,newspaper
"""

# Lower-level unit types, as the packages spell them at the head of a name.
_LOWER_UNIT = re.compile(r"^(phường|xã|thị trấn|quận|huyện|thị xã|thành phố|đặc khu)\s+", re.IGNORECASE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _package_dir(name: str) -> Path:
    """The folder of an installed package, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed; pip install it (see pyproject.toml)")
    return Path(next(iter(spec.submodule_search_locations)))


def load_underthesea() -> dict:
    """underthesea's 2025 old->new administrative mapping."""
    path = _package_dir("underthesea") / "address" / "data" / "mapping.json"
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def load_vietnam_provinces() -> list[dict]:
    """The 34 post-merger units from vietnam-provinces, as plain dicts."""
    from vietnam_provinces import Province, VietNamDivisionType

    units = []
    for province in Province.iter_all():
        is_city = province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
        name = nfc(province.name)
        # the package writes "Thành phố Hà Nội" but "Cao Bằng"
        if is_city and name.startswith("Thành phố "):
            name = name[len("Thành phố ") :]
        units.append({"name": name, "unit": "thành phố" if is_city else "tỉnh", "code": f"{int(province.code):02d}"})
    return units


def _lower_unit_names() -> set[str]:
    """Every district, ward and commune name in both packages, with its unit word."""
    from vietnam_provinces import Ward

    data = load_underthesea()
    names = set()
    for record in data["ward_mapping"]:
        names.update(record[key] for key in ("old_district", "old_ward", "new_ward"))
    names.update(ward.name for ward in Ward.iter_all())
    return {nfc(n) for n in names if n}


def _split_full_name(full_name: str) -> tuple[str, str]:
    """'Tỉnh Đồng Nai' -> ('tỉnh', 'Đồng Nai'); 'Thành phố Huế' -> ('thành phố', 'Huế')."""
    full_name = nfc(full_name)
    for unit, prefix in UNIT_PREFIXES.items():
        if full_name.startswith(prefix + " "):
            return unit, full_name[len(prefix) + 1 :]
    raise ValueError(f"unexpected province name {full_name!r}")


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"build_provinces: {message}")


def province_rows() -> list[dict]:
    """One row per province-level unit, 63 before and 34 after 1 July 2025."""
    data = load_underthesea()
    old_units, new_units, old_to_new = data["old_province_names"], data["province_names"], data["province_mapping"]
    _check(len(old_units) == 63, f"underthesea lists {len(old_units)} pre-merger units, expected 63")
    _check(len(new_units) == 34, f"underthesea lists {len(new_units)} post-merger units, expected 34")
    _check(set(old_to_new) == set(old_units), "underthesea's mapping does not cover every pre-merger unit")
    _check(set(old_to_new.values()) == set(new_units), "underthesea's mapping misses a post-merger unit")

    new = {}
    for key, info in new_units.items():
        unit, name = _split_full_name(info["name"])
        _check(name == nfc(info["short"]), f"full and short names differ for {key}")
        new[key] = {"name": name, "unit": unit, "code": info["code"]}

    # cross-check the 34 against vietnam-provinces
    vp = {u["code"]: u for u in load_vietnam_provinces()}
    _check(len(vp) == 34, f"vietnam-provinces lists {len(vp)} units, expected 34")
    for key, unit in new.items():
        other = vp.get(unit["code"])
        _check(other is not None, f"code {unit['code']} ({unit['name']}) is not in vietnam-provinces")
        _check(other["name"] == unit["name"], f"code {unit['code']}: {unit['name']!r} vs {other['name']!r}")
        _check(other["unit"] == unit["unit"], f"{unit['name']}: unit {unit['unit']!r} vs {other['unit']!r}")

    new_by_name = {u["name"]: u for u in new.values()}
    rows = {}
    for key, info in old_units.items():
        unit, name = _split_full_name(info["name"])
        code = info["code"]
        unit, name = PRE_MERGER_NAMES.get(code, (unit, name))
        successor = new[old_to_new[key]]
        if name in new_by_name:
            _check(new_by_name[name] is successor, f"{name} exists after 2025 but its territory went to {successor['name']}")
            _check(successor["unit"] == unit, f"{name} changed unit type in 2025")
            period = "both"
        else:
            period = "pre2025"
        rows[name] = {
            "name": name,
            "unit": unit,
            "full_name": f"{UNIT_PREFIXES[unit]} {name}",
            "period": period,
            "code": code,
            "successor": successor["name"],
            "successor_code": successor["code"],
        }
    for unit in new.values():
        if unit["name"] not in rows:
            rows[unit["name"]] = {
                "name": unit["name"],
                "unit": unit["unit"],
                "full_name": f"{UNIT_PREFIXES[unit['unit']]} {unit['name']}",
                "period": "post2025",
                "code": unit["code"],
                "successor": unit["name"],
                "successor_code": unit["code"],
            }
    for row in rows.values():
        _check(re.fullmatch(r"\d\d", row["code"]) is not None, f"bad code {row['code']!r}")
    return sorted(rows.values(), key=lambda r: (r["code"], r["period"] == "post2025", r["name"]))


def _read_table(text: str) -> list[dict]:
    return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def alias_rows(provinces: list[dict]) -> list[dict]:
    names = {p["name"] for p in provinces}
    rows, seen = [], set()
    for row in _read_table(ALIASES):
        _check(row["name"] in names, f"alias {row['alias']!r} points to unknown name {row['name']!r}")
        _check(row["kind"] in ALIAS_KINDS, f"alias {row['alias']!r}: bad kind {row['kind']!r}")
        _check(row["alias"] not in names, f"alias {row['alias']!r} is itself a province name")
        _check(row["alias"] not in seen, f"alias {row['alias']!r} listed twice")
        seen.add(row["alias"])
        rows.append({k: row[k] for k in ALIAS_COLUMNS})
    return sorted(rows, key=lambda r: (r["name"], r["alias"]))


def _contains_word(text: str, word: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None


def not_province_rows(provinces: list[dict], aliases: list[dict]) -> list[dict]:
    """Curated phrases plus lower-level unit names that contain a province name."""
    targets = {p["name"] for p in provinces} | {a["alias"] for a in aliases}
    rows = {}
    for row in _read_table(CURATED_NOT_PROVINCES):
        _check(row["phrase"] not in targets, f"{row['phrase']!r} is a province name or alias")
        _check(row["phrase"] not in rows, f"{row['phrase']!r} listed twice")
        rows[row["phrase"]] = row["reason"]

    units_by_bare = defaultdict(set)
    for full in _lower_unit_names():
        match = _LOWER_UNIT.match(full)
        bare = full[match.end() :] if match else full
        units_by_bare[bare].add(match.group(1).lower() if match else "unit")
    for bare in sorted(units_by_bare):
        if bare in targets or bare in rows:
            continue
        if bare[-1].isdigit():
            # "Hà Giang 1": after a bare province name a number is usually a count
            continue
        if any(_contains_word(bare, t) for t in targets):
            kinds = ", ".join(sorted(units_by_bare[bare]))
            rows[bare] = f"name of a lower-level unit ({kinds}) in the underthesea/vietnam-provinces lists"
    return [{"phrase": p, "reason": rows[p]} for p in sorted(rows)]


def tables() -> dict[str, tuple[list[str], list[dict]]]:
    provinces = province_rows()
    aliases = alias_rows(provinces)
    not_provinces = not_province_rows(provinces, aliases)
    return {
        "provinces.csv": (PROVINCE_COLUMNS, provinces),
        "aliases.csv": (ALIAS_COLUMNS, aliases),
        "not_provinces.csv": (NOT_PROVINCE_COLUMNS, not_provinces),
    }


def build(out_dir: Path | str = OUT_DIR) -> list[Path]:
    """Write the three CSVs into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, (columns, rows) in tables().items():
        path = out_dir / filename
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        with path.open(encoding="utf-8") as f:
            count = sum(1 for _ in f) - 1
        print(f"{path}: {count} rows")


if __name__ == "__main__":
    main()
