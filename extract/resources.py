"""Where the data files live, and the object that loads them once.

Everything the extractors know about the language and the state lives as
CSV/text under ``models/`` (see ``models/README.md`` for sources).
:class:`Resources` reads it once; the finders receive it explicitly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .normalize import normalize_text


def models_dir() -> Path:
    """The ``models/`` folder: inside the installed wheel, else beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "models", here.parent / "models"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no models/ folder next to {here}; reinstall the package")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: normalize_text(v or "") for k, v in row.items()} for row in csv.DictReader(f)]


def read_words(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        lines = (normalize_text(line) for line in f)
        return [line for line in lines if line and not line.startswith("#")]


@dataclass(frozen=True)
class Province:
    name: str
    unit: str
    full_name: str
    period: str
    code: str
    successor: str
    successor_code: str


@dataclass(frozen=True)
class Title:
    title: str
    org_prefix: str | None
    own_body: str | None = None  # the body that belongs to the title itself ("Thủ tướng [Chính phủ]")
    stands_alone: bool = False   # names a public position without a body ("Tổng Bí thư", "Thủ tướng")


@dataclass(frozen=True)
class AgencyHead:
    head: str
    canonical: str
    kind: str
    takes_locality: bool
    continues: str  # "no": complete as written; "proper": a capitalised name follows, then lower-case words;
    #                 "capitalized": only capitalised words; "any": lower-case words may follow at once;
    #                 "agency": a named body follows ("Thường trực Tỉnh ủy")
    bare_place: bool = False  # the place follows without its unit word: "Tỉnh ủy Hải Dương"
    per_place: bool = False   # one such body per province or district: "Sở Nội vụ" in an article about one province

    @property
    def is_agency(self) -> bool:
        """Heads of bodies that are not agencies (schools, companies) have no kind."""
        return bool(self.kind)


class Resources:
    """All lexicons and gazetteers, loaded once from ``models/``."""

    def __init__(self, root: Path | None = None):
        self.root = root or models_dir()
        lex = self.root / "lexicons"
        self.provinces = [Province(**row) for row in read_csv(self.root / "provinces" / "provinces.csv")]
        self.province_by_name = {p.name: p for p in self.provinces}
        self.province_aliases = {r["alias"]: r["name"] for r in read_csv(self.root / "provinces" / "aliases.csv")}
        self.not_provinces = [r["phrase"] for r in read_csv(self.root / "provinces" / "not_provinces.csv")]
        self.abbreviations = {r["abbreviation"]: r["expansion"] for r in read_csv(lex / "abbreviations.csv")}
        self.titles = self._titles(read_csv(lex / "titles.csv"))
        self.name_prefixes = {r["word"]: r["kept_in_title"] == "yes" for r in read_csv(lex / "name_prefixes.csv")}
        agencies = read_csv(lex / "agencies.csv")
        self.agencies = {(r["variant"] or r["name"]): r["name"] for r in agencies}
        self.agencies.update({r["name"]: r["name"] for r in agencies})
        self.agency_kinds = {r["name"]: r["kind"] for r in agencies}
        self.agency_heads = {
            r["head"]: AgencyHead(r["head"], r["canonical"] or r["head"], r["kind"], r["locality"] == "yes",
                                  r["continues"], r["place"] == "bare", r["per_place"] == "yes")
            for r in read_csv(lex / "agency_heads.csv")
        }
        self.locality_units = {r["unit"]: (r["level"], r["canonical"]) for r in read_csv(lex / "locality_units.csv")}
        self.countries = {r["variant"] or r["name"]: r["name"] for r in read_csv(lex / "countries.csv")}
        self.countries.update({r["name"]: r["name"] for r in read_csv(lex / "countries.csv")})
        self.honorifics = {r["word"]: r["kind"] for r in read_csv(lex / "honorifics.csv")}
        self.surnames = frozenset(read_words(lex / "surnames.txt"))
        self.middle_names = frozenset(read_words(lex / "middle_names.txt"))
        self.provinces_needing_unit = frozenset(read_words(lex / "provinces_needing_unit.txt"))
        self.function_words = frozenset(read_words(lex / "function_words.txt"))
        self.name_stopwords = self.function_words | frozenset(read_words(lex / "name_stopwords.txt")) | frozenset(
            read_words(lex / "verbs.txt"))
        self.not_place_before = frozenset(read_words(lex / "not_place_before.txt"))
        self.document_types = {r["doc_type"]: r["codes"].split("|") for r in read_csv(lex / "document_types.csv")}
        self.document_type_by_code = {code: t for t, codes in self.document_types.items() for code in codes}
        self.issuer_codes = {r["code"]: r["issuer"] for r in read_csv(lex / "issuer_codes.csv")}
        self.laws = [(r["doc_type"], r["title"]) for r in read_csv(lex / "laws.csv")]

    @staticmethod
    def _titles(rows: list[dict[str, str]]) -> dict[str, Title]:
        titles: dict[str, Title] = {}
        for row in rows:
            prefix, body, alone = row["org_prefix"] or None, row["own_body"] or None, row["stands_alone"] == "yes"
            titles[row["title"]] = Title(row["title"], prefix, body, alone)
            if row["deputy"] == "yes":
                deputy = f"Phó {row['title']}"
                titles.setdefault(deputy, Title(deputy, prefix, body, alone))
        return titles

    def __repr__(self) -> str:
        return (f"Resources({self.root}, {len(self.provinces)} provinces, {len(self.agencies)} agency names, "
                f"{len(self.titles)} titles)")
