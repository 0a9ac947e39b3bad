"""Find officials: a named person with the positions the article gives them.

A *chain* is one or more positions written together, separated by commas:
"Ủy viên Bộ Chính trị, Phó Bí thư Quân ủy Trung ương, Bộ trưởng Bộ Quốc phòng".
A position is a title (titles.py) and the body written right after it
(agencies.py). A person's name stands either right after the chain ("Phó Bí
thư Thường trực Tỉnh ủy Sơn La Lò Minh Hùng") or right before it, set off by
a comma, a dash or a parenthesis ("đồng chí Hồ Văn Sơn, Phó Bí thư Thường
trực Tỉnh ủy Đồng Nai"). Honorifics and ranks before a name are dropped.
Later short references ("đồng chí Hùng", "ông Sơn") and repeats of the full
name are mentions of the same official.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .agencies import AgencyMatch
from .entities import Mention, Official, Position
from .resources import Resources
from .titles import TitleMatch

_SYLLABLE = r"\p{Lu}[\p{Ll}\p{M}]*(?:-\p{L}+)*"
_NAME_AFTER = regex.compile(rf"{_SYLLABLE}(?: {_SYLLABLE}){{1,4}}")
_NAME_BEFORE = regex.compile(rf"({_SYLLABLE}(?: {_SYLLABLE}){{1,4}})$")
_SEPARATOR_BEFORE_CHAIN = regex.compile(r"(?:,| -| –| —| \(|:) ?$")
_HONORIFIC_AFTER_CHAIN = regex.compile(r"(?:ông|bà|đồng chí|Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng) ")
_CHAIN_JOIN = (", ", " kiêm ", " - ", ", đồng thời là ")
_PLACE_AFTER = regex.compile(rf" (?P<unit>tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường) (?P<place>{_SYLLABLE}(?: {_SYLLABLE}){{0,4}})")


@dataclass(frozen=True)
class Segment:
    title: TitleMatch
    organization: str | None
    province: str | None
    end: int
    private: bool   # the body is a company, school or bank: not a public position


class OfficialFinder:
    def __init__(self, resources: Resources):
        self.res = resources
        honorifics = "|".join(map(regex.escape, sorted(resources.honorifics, key=len, reverse=True)))
        self.honorific_before = regex.compile(rf"(?:{honorifics})[ .]?$")
        self.short_reference = regex.compile(
            rf"(?<!\w)(?:{honorifics}) (?P<name>{_SYLLABLE}(?: {_SYLLABLE})?)(?! \p{{Lu}})(?!\w)")

    def find(self, text: str, titles: list[TitleMatch], agencies: list[AgencyMatch],
             blocked: list[tuple[int, int]]) -> list[Official]:
        """Officials of the article; ``blocked`` spans (provinces, bodies) are never part of a name."""
        self._text = text
        self._agency_at = {a.start: a for a in agencies}
        self._parents_of = {}
        for a in agencies:
            if a.parent:
                self._parents_of.setdefault(a.name, set()).add(a.parent)
        self._blocked = blocked
        found: dict[str, list[tuple[Mention, list[Segment]]]] = {}
        for chain in self._chains(titles):
            foreign = chain[-1].organization is not None or " tại " in chain[-1].title.title
            people = self._names_listed(chain[-1].end)  # "các Phó Chủ tịch UBND tỉnh: A, B, C"
            person = self._name_after(chain[-1].end, foreign) or self._name_before(chain[0].title.start)
            people = people or ([person] if person else [])
            segments = [s for s in chain if not s.private]
            for person in people if segments else []:
                found.setdefault(person.text, []).append((person, segments))
        return self._records(found)

    # -- positions ------------------------------------------------------------------------------
    def _segment(self, title: TitleMatch) -> Segment:
        org_start = title.end + 1
        body = self._agency_at.get(title.org_prefix_start) if title.org_prefix_start is not None else None
        if body is not None:
            org_start = title.org_prefix_start
        else:
            body = self._agency_at.get(org_start)
        if body is None or (org_start == title.end + 1 and self._text[title.end:org_start] != " "):
            chair = self._chair_of_place(title)
            if chair is not None:
                return chair
            return Segment(title, None, None, title.end, False)
        if not body.kind:
            return Segment(title, None, None, body.end, True)
        organization, end = body.name, body.end
        if body.parent and body.parent not in body.name:  # "Vụ Quy hoạch kiến trúc Bộ Xây dựng"
            parent = self._agency_at.get(body.end + 1)
            if parent is not None:
                organization, end = f"{body.name} {parent.name}", parent.end
        while self._text.startswith(", ", end) and (parent := self._agency_at.get(end + 2)) is not None and (
                parent.name == body.parent or parent.name in self._parents_of.get(body.name, ())):
            organization, end, body = f"{organization}, {parent.name}", parent.end, parent  # "Vụ X, Tổng cục Y, Bộ Z"
        return Segment(title, organization, body.province, end, False)

    def _chair_of_place(self, title: TitleMatch) -> Segment | None:
        """"Chủ tịch tỉnh Đồng Tháp" is the chair of the province's People's Committee."""
        if title.title.removeprefix("nguyên ").removeprefix("Phó ") != "Chủ tịch":
            return None
        m = _PLACE_AFTER.match(self._text, title.end)
        if m is None:
            return None
        words = m.group("place").split(" ")
        for i in range(1, len(words)):
            if words[i] in self.res.surnames and i + 1 < len(words):
                words = words[:i]
                break
        place = " ".join(words)
        unit = self.res.locality_units[m.group("unit")][1]
        province = place if unit in ("tỉnh", "thành phố") and place in self.res.province_by_name else None
        end = m.start("place") + len(place)
        return Segment(title, f"Ủy ban nhân dân {unit} {place}", province, end, False)

    def _chains(self, titles: list[TitleMatch]) -> list[list[Segment]]:
        chains: list[list[Segment]] = []
        for title in titles:
            segment = self._segment(title)
            if chains and self._joined(chains[-1][-1].end, title.start):
                chains[-1].append(segment)
            else:
                chains.append([segment])
        return chains

    def _joined(self, end: int, start: int) -> bool:
        return self._text[end:start] in _CHAIN_JOIN

    # -- names ------------------------------------------------------------------------------------
    def _is_blocked(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._blocked)

    def _name_after(self, end: int, foreign: bool) -> Mention | None:
        """A name right after a chain; one not led by a Vietnamese family name only after a body (``foreign``)."""
        text = self._text
        pos = end + 1
        if text[end:pos] != " ":
            return None
        honorific = _HONORIFIC_AFTER_CHAIN.match(text, pos)
        if honorific:
            pos = honorific.end()
        m = _NAME_AFTER.match(text, pos)
        if m is None:
            return None
        words = m.group().split(" ")
        while words and self._is_blocked(pos, pos + len(" ".join(words))):
            words.pop()
        while words and words[0] in self.res.honorifics:
            pos += len(words[0]) + 1
            words = words[1:]
        while len(words) > 2 and words[-1].lower() in self.res.function_words:
            words.pop()  # "Nguyễn Văn Thiện [Chiều] nay 25-5": a sentence begins without its full stop
        if len(words) < 2:
            return None
        name = " ".join(words)
        if name in self.res.countries or (words[0] not in self.res.surnames and not foreign):
            return None
        return Mention(pos, pos + len(name), name)

    def _names_listed(self, end: int) -> list[Mention]:
        """Names listed after a colon that ends a chain: "Phó Chủ tịch UBND tỉnh: Lê Xuân Đại, Đinh Viết Hồng"."""
        if not self._text.startswith(": ", end):
            return []
        names, pos = [], end + 1
        while True:
            name = self._name_after(pos, foreign=False)
            if name is None:
                return names
            names.append(name)
            joint = regex.match(r"(?:,| và) ", self._text[name.end:name.end + 4])
            if joint is None:
                return names
            pos = name.end + joint.end() - 1

    def _name_before(self, start: int) -> Mention | None:
        text = self._text
        before = text[max(0, start - 80):start]
        sep = _SEPARATOR_BEFORE_CHAIN.search(before)
        if sep is None:
            return None
        head = before[:sep.start()]
        m = _NAME_BEFORE.search(head)
        if m is None:
            return None
        name_start = start - len(before) + m.start(1)
        words = m.group(1).split(" ")
        while len(words) > 2 and words[0] in self.res.honorifics:
            name_start += len(words[0]) + 1
            words = words[1:]
        # keep the part from the family name on ("Đại tướng Ngô Xuân Lịch" → "Ngô Xuân Lịch")
        while len(words) > 2 and words[0] not in self.res.surnames:
            name_start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        honorific = self.honorific_before.search(text[max(0, name_start - 20):name_start].rstrip() + " ")
        if words[0] not in self.res.surnames and honorific is None:
            return None
        if self._is_blocked(name_start, name_start + len(name)):
            return None
        return Mention(name_start, name_start + len(name), name)

    # -- records ------------------------------------------------------------------------------------
    def _records(self, found: dict[str, list[tuple[Mention, list[Segment]]]]) -> list[Official]:
        officials = []
        for name, appearances in found.items():
            positions: list[Position] = []
            for _, segments in appearances:
                for s in segments:
                    positions = _merge(positions, Position(s.title.title, s.organization, s.province))
            # a bare "Chủ tịch" or "Giám đốc" names no public body: only titles that stand alone count so
            alone = {s.title.title for _, segments in appearances for s in segments if s.title.stands_alone}
            positions = [p for p in positions if p.organization or p.title in alone]
            if not positions:
                continue
            mentions = {m for m, _ in appearances} | set(self._other_mentions(name))
            officials.append(Official(name, tuple(positions), tuple(sorted(mentions, key=lambda m: m.start))))
        return officials

    def _other_mentions(self, name: str):
        """Repeats of the full name, and honorific + given name ("ông Sơn", "đồng chí Hùng")."""
        text = self._text
        for m in regex.finditer(rf"(?<!\w){regex.escape(name)}(?!\w)", text):
            yield Mention(m.start(), m.end(), m.group())
        given = name.split(" ")
        for m in self.short_reference.finditer(text):
            short = m.group("name").split(" ")
            if given[-len(short):] == short and len(short) < len(given):
                yield Mention(m.start("name"), m.end("name"), m.group("name"))


def _merge(positions: list[Position], new: Position) -> list[Position]:
    """Add a position unless the person already holds that title in a body of the same kind.

    "Bí thư Thành ủy" after "Bí thư Thành ủy Hà Nội", or "Giám đốc Sở TN-MT" after "Giám đốc Sở Tài
    nguyên - Môi trường", is the same position written again: the more specific one is kept.
    """
    for i, old in enumerate(positions):
        if old.title != new.title:
            continue
        if new.organization is None or old.organization == new.organization:
            return positions
        if old.organization is None or (new.organization.startswith(old.organization)
                                        and len(new.organization) > len(old.organization)):
            return positions[:i] + [new] + positions[i + 1:]
        if old.organization.split(" ")[0] == new.organization.split(" ")[0]:
            return positions
    return positions + [new]
