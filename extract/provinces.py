"""Find the provinces and centrally-run cities an article names.

A gazetteer of the 63 pre-merger and 34 post-merger units with their
spellings (models/provinces/, built from vietnam-provinces and underthesea),
matched case-sensitively at word boundaries, then filtered by context:
a street, district or river named after a province ("đường Điện Biên Phủ",
"quận Bình Thạnh"), a provincial city ("thành phố Sơn La"), a person's or a
company's name ("Nguyễn Thái Bình"), the common noun "hòa bình" (lower case,
so never matched), and proper names that merely contain a province name
("Thái Bình Dương") are not mentions of the province.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .entities import Mention, ProvinceRef
from .resources import Resources

_PREVIOUS_WORDS = regex.compile(r"(\S+)(?: (\S+))? ?$")
_COMPANY_WORDS = ("Công ty", "Tổng công ty", "Tập đoàn", "Ngân hàng", "CTCP", "Cty", "Báo", "báo")
_CITY_UNITS = {"thành phố", "Thành phố", "TP", "TP.", "Tp", "Tp."}
_UNIT_WORDS = {"tỉnh", "Tỉnh"} | _CITY_UNITS
_MERGER_DATE = "2025-07-01"


@dataclass(frozen=True)
class ProvinceMatch:
    """One mention of a province in the text."""

    name: str
    mention: Mention
    unit: str | None  # the unit word written before it ("tỉnh", "TP."), if any


class ProvinceFinder:
    """Gazetteer matching plus the context rules of annotation.md."""

    def __init__(self, resources: Resources):
        self.resources = resources
        surface = {p.name: p.name for p in resources.provinces}
        surface.update(resources.province_aliases)
        self.surface = surface
        self.blockers = set(resources.not_provinces)
        alternatives = sorted(set(surface) | self.blockers, key=len, reverse=True)
        self.pattern = regex.compile(r"(?<!\w)(?:" + "|".join(map(regex.escape, alternatives)) + r")(?!\w)")
        self.person_words = resources.surnames | resources.middle_names
        self.city_level = {p.name for p in resources.provinces if p.unit == "thành phố"}
        self.needs_unit = resources.provinces_needing_unit

    def matches(self, text: str, published: str | None = None) -> list[ProvinceMatch]:
        """Every mention of a province in ``text``, in order."""
        found = []
        for m in self.pattern.finditer(text):
            written = m.group()
            if written in self.blockers:
                continue
            name = self.surface[written]
            unit = self._unit_before(text, m.start())
            if self._is_other_place(text, m.start(), name, written, unit, published):
                continue
            found.append(ProvinceMatch(name, Mention(m.start(), m.end(), written), unit))
        return found

    def find(self, text: str, published: str | None = None) -> list[ProvinceRef]:
        """The provinces of an article, one record each with all its mentions."""
        return self.to_records(self.matches(text, published))

    def to_records(self, matches: list[ProvinceMatch]) -> list[ProvinceRef]:
        mentions: dict[str, list[Mention]] = {}
        for match in matches:
            mentions.setdefault(match.name, []).append(match.mention)
        return [self.reference(name, tuple(ms)) for name, ms in mentions.items()]

    def reference(self, name: str, mentions: tuple[Mention, ...] = ()) -> ProvinceRef:
        p = self.resources.province_by_name[name]
        return ProvinceRef(p.name, p.successor, p.code, p.successor_code, mentions)

    @staticmethod
    def _unit_before(text: str, start: int) -> str | None:
        before = text[max(0, start - 12):start]
        for unit in sorted(_UNIT_WORDS, key=len, reverse=True):
            if before.endswith(unit + " ") or (unit.endswith(".") and before.endswith(unit)):
                return unit
        return None

    def _is_other_place(self, text: str, start: int, name: str, written: str, unit: str | None,
                        published: str | None) -> bool:
        if unit in _CITY_UNITS and name not in self.city_level:
            return True  # "thành phố Sơn La" is the provincial capital, not the province
        if written in self.needs_unit and unit is None:
            return True  # "Hồ Chí Minh" alone is the person; the city is written with its unit
        if name == "Huế" and not (published and published >= _MERGER_DATE):
            return True  # before the merger Huế was a city of Thừa Thiên Huế
        before = text.rfind(unit, 0, start) if unit else start  # look before the unit word, if any
        previous = _PREVIOUS_WORDS.search(text[max(0, before - 40):before])
        if previous is None:
            return False
        last, two = previous.group(2) or previous.group(1), " ".join(filter(None, previous.groups()))
        if last in self.resources.not_place_before or two in self.resources.not_place_before:
            return True
        if unit is not None:
            return False
        if len(last) == 1 and last.isupper():
            return True  # "Bệnh viện C Đà Nẵng": a name that goes on with a letter
        if last in self.person_words and start >= 2 and text[start - 1] == " ":
            return True  # part of a person's name: "Nguyễn Thái Bình", "Lê Văn Long An"
        window = text[max(0, start - 60):start]
        clause = regex.split(r"[,.;:()\n]", window)[-1]
        return any(word in clause for word in _COMPANY_WORDS)
