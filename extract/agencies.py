"""Find named public bodies: ministries, Party committees, people's committees ...

Two lexicons drive it (models/lexicons/): ``agencies.csv`` holds full names
and their abbreviations ("Bộ TT&TT" → "Bộ Thông tin và Truyền thông");
``agency_heads.csv`` holds the words that begin a body's name ("Sở", "Cục",
"Tỉnh ủy", "UBND"), whether a locality may follow and how the name goes on.
Vietnamese capitalises only the first word of many names ("Cục Quản lý kỹ
thuật nghiệp vụ mật mã"), so a name runs on through lower-case words until
punctuation, a function word or verb (``name_stopwords.txt``), a title, a
person's name or another body. A body written right after another is its
parent ("Vụ Quy hoạch kiến trúc Bộ Xây dựng"), or, for a local committee,
part of the name ("Ban Tổ chức Tỉnh ủy"). A locality completes the name
("Ủy ban nhân dân tỉnh Bình Dương"), and a list of provinces after one
committee gives one body each ("Tỉnh ủy Hòa Bình, Sơn La và Điện Biên").
A committee written without its locality ("UBND tỉnh", "Ban Thường vụ Tỉnh
ủy") is resolved to the one the article names, when that is unambiguous.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, replace

import regex

from .entities import Agency, Mention
from .provinces import ProvinceMatch
from .resources import Resources
from .titles import TitleMatch

_NEXT_WORD = regex.compile(r" (\w+(?:[&-]\w+)*)")
_WORD = regex.compile(r"\w+")
_LINK = regex.compile(r"( và | - | – |-)(?=\p{Lu})")
_COORDINATED = regex.compile(r"(?:, | và )")
_PLURAL_BEFORE = regex.compile(r"(?<!\w)(?:các|những|mọi|nhiều) $")
_MAX_LOWER_WORDS = 7
_OWNING_BODIES = {"Quốc hội", "Chính phủ", "Ủy ban Thường vụ Quốc hội", "Ban Chấp hành Trung ương Đảng",
                  "Bộ Chính trị", "Ban Bí thư"}
_NATIONAL_BODIES = {"Quốc hội", "Chính phủ", "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao"}


@dataclass(frozen=True)
class AgencyMatch:
    """One mention of a body, with its name completed from the sentence."""

    name: str
    base: str                  # the name without its locality
    kind: str
    mention: Mention
    parent: str | None = None
    province: str | None = None
    unit: str | None = None    # the unit word when it is written without a place ("UBND tỉnh")
    localised: bool = False    # a locality (or a place-bound parent) is part of the name
    committee: bool = False    # a body that exists once per locality (Tỉnh ủy, UBND, Công an ...)
    parent_base: str | None = None  # the parent's name without its locality, for bodies named after a committee
    dangling: bool = False     # "Thường trực" in "Thường trực, Ban Thường vụ Tỉnh ủy": its committee comes next
    reported: bool = True      # False for a body that is part of a title ("Thủ tướng Chính phủ")
    bare_place: bool = False   # its place is written without the unit word: "Tỉnh ủy Nghệ An"

    @property
    def listed(self) -> bool:
        """Whether it names a body on its own: not a school, not a bare "Tỉnh ủy" left unresolved."""
        return bool(self.kind) and self.reported and not (
            (self.committee or self.unit) and not self.localised and self.parent is None)

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


# How high a body stands, by the first words of its name: a unit written before a higher body
# and a comma is part of it.
_RANKS = (("Tổng cục", 3), ("Chi cục", 1), ("Bộ", 4), ("Cục", 2), ("Vụ", 2), ("Ban", 2), ("Viện", 1), ("Trung tâm", 1),
          ("Phòng", 1), ("Văn phòng", 1))


def _rank(name: str) -> int:
    return next((rank for head, rank in _RANKS if name.startswith(head + " ")), 0)


class AgencyFinder:
    def __init__(self, resources: Resources):
        self.res = resources
        self.known = resources.agencies
        self.heads = resources.agency_heads
        self.units = resources.locality_units
        # known names match whatever the case of their later words ("Ủy ban Về các vấn đề xã hội")
        self.known_folded = {k.casefold(): v for k, v in self.known.items()}
        alternatives = sorted(set(self.known) | set(self.heads), key=len, reverse=True)
        self.pattern = regex.compile(r"(?<!\w)(?:" + "|".join(
            regex.escape(a) if a in self.heads else regex.escape(a[0]) + "(?i:" + regex.escape(a[1:]) + ")"
            for a in alternatives) + r")(?!\w)")
        document_words = sorted(set(resources.document_types) | {"Luật", "Bộ luật", "Hiến pháp"}, key=len,
                                reverse=True)
        self.document_start = regex.compile("(?:" + "|".join(map(regex.escape, document_words)) + r")(?!\w)")
        unit_words = sorted(self.units, key=len, reverse=True)
        self.unit_pattern = regex.compile(r" (" + "|".join(map(regex.escape, unit_words)) + r")(?: |(?<=\.)|(?!\w))")
        self.known_kind = {surface.casefold(): self._head_of(canonical) for surface, canonical in self.known.items()}

    def _head_of(self, name: str):
        for size in range(min(len(name), 40), 0, -1):
            head = self.heads.get(name[:size])
            if head and (len(name) == size or not name[size].isalnum()):
                return head
        return None

    # -- finding ----------------------------------------------------------------------------------
    def matches(self, text: str, provinces: list[ProvinceMatch], titles: list[TitleMatch]) -> list[AgencyMatch]:
        self._text = text
        self._province_at = {p.mention.start: p for p in provinces}
        self._title_at = {t.start: t for t in titles}
        self._inside_title = [(t.start, t.end, t.org_prefix_start) for t in titles]
        own_bodies = {t.end + 1: t.own_body for t in titles if t.own_body}
        found: list[AgencyMatch] = []
        covered = 0
        for start in self._lowercase_title_bodies(titles):  # "Trưởng [ban Dân vận Tỉnh ủy]"
            found.extend(self._parse_capitalised(start))
        covered_by_titles = [(a.start, a.end) for a in found]
        for m in self.pattern.finditer(text):
            if any(s <= m.start() < e for s, e in covered_by_titles):
                continue
            if m.start() < covered:
                continue
            parsed = self._parse(m.start())
            if not parsed:
                continue
            if own_bodies.get(m.start()) == parsed[0].name or (
                    not parsed[0].localised and _PLURAL_BEFORE.search(text, 0, m.start())):
                parsed[0] = replace(parsed[0], reported=False)  # "Thủ tướng Chính phủ"; "các Sở Y tế"
            found.extend(parsed)
            covered = max(covered, parsed[0].end)
        return self._comma_parents(self._share_parents(sorted(found, key=lambda a: a.start)))

    def _comma_parents(self, found: list[AgencyMatch]) -> list[AgencyMatch]:
        """"Cục Viễn thông và Cơ yếu, Bộ Công an": a unit followed by a higher body belongs to it."""
        national = set(self.known.values())
        result = list(found)
        for i in range(len(result) - 1):
            a, b = result[i], result[i + 1]
            if (a.parent is None and a.kind and b.kind and a.name not in national
                    and self._text[a.end:b.start] == ", "
                    and (b.name in national or _rank(b.name) > _rank(a.name) > 0)):
                result[i] = replace(a, parent=b.name, province=a.province or b.province)
        return result

    def _lowercase_title_bodies(self, titles: list[TitleMatch]) -> list[int]:
        """Where a title's last word begins a body but is written in lower case ("Chánh thanh tra tỉnh")."""
        text = self._text
        return [t.org_prefix_start for t in titles
                if t.org_prefix_start is not None and text[t.org_prefix_start].islower()
                and not text.startswith(" " + text[t.org_prefix_start:t.end].capitalize(), t.end)]  # "ban Ban Cơ yếu"

    def _parse_capitalised(self, start: int) -> list[AgencyMatch]:
        """Parse the body at ``start`` as if its first letter were a capital (offsets stay the same)."""
        original = self._text
        self._text = original[:start] + original[start].upper() + original[start + 1:]
        try:
            parsed = self._parse(start, inner=True)
        finally:
            self._text = original
        return [replace(a, mention=Mention(a.start, a.end, original[a.start:a.end])) for a in parsed]

    def _share_parents(self, found: list[AgencyMatch]) -> list[AgencyMatch]:
        """"Ban Tổ chức, Ủy ban Kiểm tra Tỉnh ủy": bodies listed before a committee's sub-body share it."""
        shared = list(found)
        for i in range(len(shared) - 2, -1, -1):
            a, b = shared[i], shared[i + 1]
            if (a.parent is None and not a.localised and a.kind and b.parent_base
                    and self._text[a.end:b.start] == ", "):
                shared[i] = replace(a, name=f"{a.name} {b.parent}", base=f"{a.base} {b.parent_base}",
                                    parent=b.parent, parent_base=b.parent_base, province=b.province,
                                    unit=b.unit, localised=b.localised, committee=b.committee, dangling=False,
                                    bare_place=b.bare_place)
        return [a for a in shared if not a.dangling]

    def find(self, text: str, provinces: list[ProvinceMatch], titles: list[TitleMatch]) -> list[AgencyMatch]:
        """Every agency mention, bare committees resolved against the rest of the article."""
        return self.resolve(self.matches(text, provinces, titles), provinces)

    def _in_title(self, start: int) -> bool:
        return any(s <= start < e and start != org for s, e, org in self._inside_title)

    def _parse(self, start: int, inner: bool = False) -> list[AgencyMatch]:
        """The body whose name begins at ``start`` (then any body it names as its part), or []."""
        text = self._text
        m = self.pattern.match(text, start)
        if m is None or (not inner and self._in_title(start)):
            return []
        surface, end = m.group(), m.end()
        if surface not in self.heads:
            name = self.known_folded[surface.casefold()]
            head = self.known_kind[surface.casefold()]
            kind = self.res.agency_kinds[name]
            takes_locality, continues = bool(head and head.takes_locality), "no"
        else:
            head = self.heads[surface]
            name, kind, takes_locality, continues = head.canonical, head.kind, head.takes_locality, head.continues
        if continues != "no" and self._at_body(end):
            body = self._parse(end + 1, inner=True)
            if body and body[0].kind:  # "Thường trực Tỉnh ủy", "Văn phòng Tỉnh ủy"
                return self._combined(start, name, kind, body[0])
        if continues == "agency":
            if self._text.startswith(", ", end):
                return [AgencyMatch(name, name, kind, Mention(start, end, text[start:end]), dangling=True)]
            return []
        if continues in ("proper", "any", "capitalized"):
            name_end = self._name_end(end, continues)
            if name_end == end and continues != "any" and not (takes_locality and self._locality(end)):
                return []
            name, end = name + text[end:name_end], name_end
        if not kind:  # a school, company, bank or newspaper: covered, never reported
            return [AgencyMatch("", "", "", Mention(start, end, text[start:end]))]
        parent = province = unit = None
        if self._at_body(end):
            body = (self._parse(end + 1, inner=True) or [None])[0]
            if body and body.kind and body.committee:  # "Ban Tổ chức Tỉnh ủy"
                return self._combined(start, name, kind, body)
            if body and body.kind:  # "Vụ Quy hoạch kiến trúc Bộ Xây dựng"
                parent, province = body.name, body.province
        base, localised, extra = name, False, []
        committee = head is not None and head.per_place
        if takes_locality and parent is None:
            place = self._locality(end, bare_place=continues == "no") or self._listed_places(end)
            if place:
                locality, province, end, unit = place
                if locality:
                    if head is not None and head.bare_place and province and locality.startswith("tỉnh "):
                        locality = province  # "Tỉnh ủy Hải Dương", not "Tỉnh ủy tỉnh Hải Dương"
                    name, localised = f"{base} {locality}", True
                    extra = self._coordinated(base, kind, end, committee)
                else:
                    name = f"{base} {unit}"
        elif name in _NATIONAL_BODIES and self._country_at(end):
            country, end = self._country_at(end)
            name, localised = f"{base} {country}", True
        of_body = self._of_national_body(end) if not localised else None
        if of_body is not None:  # "Ủy ban về các vấn đề xã hội của Quốc hội"
            name, parent, end = f"{name} của {of_body.name}", of_body.name, of_body.end
            base, extra = name, [of_body]
        main = AgencyMatch(name, base, kind, Mention(start, end, text[start:end]), parent, province, unit,
                           localised, committee, bare_place=bool(head and head.bare_place))
        return [main, *extra]

    def _of_national_body(self, end: int) -> AgencyMatch | None:
        if not self._text.startswith(" của ", end):
            return None
        body = (self._parse(end + 5, inner=True) or [None])[0]
        return body if body is not None and body.name in _OWNING_BODIES else None

    def _combined(self, start: int, name: str, kind: str, body: AgencyMatch) -> list[AgencyMatch]:
        full = f"{name} {body.name}"
        end = body.end
        match = AgencyMatch(full, f"{name} {body.base}", body.kind or kind,
                            Mention(start, end, self._text[start:end]), body.name, body.province, body.unit,
                            body.localised, body.committee, body.base, bare_place=body.bare_place)
        return [match, body] if body.localised else [match]

    def _at_body(self, pos: int) -> bool:
        if pos >= len(self._text) or self._text[pos] != " ":
            return False
        m = self.pattern.match(self._text, pos + 1)
        return m is not None and (pos + 1) not in self._province_at

    def _name_end(self, pos: int, continues: str) -> int:
        """Where a name beginning with a head word ends (``pos`` is just after the head)."""
        text, stop, end = self._text, self.res.name_stopwords, pos
        capitalised = 0
        lower_run = 0
        while True:
            link = _LINK.match(text, end)
            if link and capitalised:
                after = link.end()
                if self._is_boundary(after):
                    break
                m = _WORD.match(text, after)
                if m is None:
                    break
                end = m.end()
                capitalised += 1
                lower_run = 0
                continue
            m = _NEXT_WORD.match(text, end)
            if m is None:
                break
            word, word_start = m.group(1), m.start(1)
            if self._is_boundary(word_start) or word in self.units or text.startswith(word + ".", word_start) and (
                    word + ".") in self.units:
                break
            if word[0].isupper() or word[0].isdigit():
                if self._is_person(word_start):
                    break
                capitalised += 1
                lower_run = 0
            else:
                following = _NEXT_WORD.match(text, m.end())
                two = f"{word} {following.group(1)}" if following else word
                after_capital = lower_run == 0 and capitalised > 0  # "Cục Việc làm", "Cục Hàng không"
                if word in self.res.function_words or two in stop or not after_capital and word in stop:
                    break
                if not capitalised and continues != "any":
                    break
                if continues == "capitalized" and lower_run:  # "Bộ Giao thông", not "Bộ Giao thông giám sát"
                    break
                lower_run += 1
                if lower_run > _MAX_LOWER_WORDS:
                    break
            end = m.end()
        return end

    def _is_boundary(self, pos: int) -> bool:
        """A province, a title or another body begins at ``pos``."""
        return (pos in self._province_at or pos in self._title_at or self.pattern.match(self._text, pos) is not None
                or self.document_start.match(self._text, pos) is not None)

    def _is_person(self, pos: int) -> bool:
        m = regex.match(r"(\p{Lu}\w*) (\p{Lu}\w*)", self._text[pos:pos + 40])
        return bool(m and m.group(1) in self.res.surnames and m.group(2) not in self.heads)

    def _locality(self, pos: int, bare_place: bool = False):
        """(locality text, province, end, unit-only) after a body's name, or None.

        ``bare_place``: a capitalised place without a unit word is a locality too ("Tỉnh ủy Luông Nặm Thà").
        """
        text = self._text
        if pos < len(text) and text[pos] == " " and (pos + 1) in self._province_at:
            p = self._province_at[pos + 1]
            if p.unit is None:
                written = p.name if p.mention.text in self.res.province_by_name else self._province_with_unit(p)
                return written, p.name, p.mention.end, None
        m = self.unit_pattern.match(text, pos)
        if not m:
            if bare_place and text.startswith(" ", pos) and not self._is_boundary(pos + 1) and not self._is_person(
                    pos + 1):
                place = self._place(pos + 1)
                if place:
                    return place, None, pos + 1 + len(place), None
            return None
        unit_word = m.group(1)
        level, unit = self.units[unit_word]
        place_start = m.end()
        if not text.startswith(" ", place_start - 1) and not unit_word.endswith("."):
            return None, None, m.start(1) + len(unit_word), unit  # "UBND tỉnh: ..." names no place
        if place_start in self._province_at:
            p = self._province_at[place_start]
            return f"{unit} {p.name}", p.name, p.mention.end, None
        written = self._place(place_start)
        if not written:
            return None, None, m.start(1) + len(unit_word), unit
        return f"{unit} {written}", None, place_start + len(written), None

    def _place(self, start: int) -> str | None:
        """A place name (capitalised words or a number) at ``start``, stopping before a person's name."""
        place = regex.match(r"(?:\p{Lu}[\w-]*|\d+)(?: (?:\p{Lu}[\w-]*|\d+)){0,3}", self._text[start:start + 60])
        if place is None:
            return None
        words = place.group().split(" ")
        for i in range(1, len(words)):
            if words[i] in self.res.surnames and i + 1 < len(words) or words[i] in self.heads or "-" in words[i]:
                words = words[:i]
                break
        return " ".join(words)

    def _listed_places(self, pos: int):
        """"7 Sở Y tế: Hải Phòng, Cần Thơ ...": the first of the provinces listed after a colon."""
        if self._text.startswith(": ", pos) and (pos + 2) in self._province_at:
            p = self._province_at[pos + 2]
            return p.name, p.name, p.mention.end, None
        return None

    def _province_with_unit(self, p: ProvinceMatch) -> str:
        province = self.res.province_by_name[p.name]
        return f"{province.unit} {province.name}"

    def _coordinated(self, base: str, kind: str, pos: int, committee: bool) -> list[AgencyMatch]:
        """Bodies of further provinces listed after the first ("Tỉnh ủy Hòa Bình, Sơn La và Điện Biên")."""
        found = []
        while True:
            m = _COORDINATED.match(self._text, pos)
            if not m or m.end() not in self._province_at:
                return found
            p = self._province_at[m.end()]
            found.append(AgencyMatch(f"{base} {p.name}", base, kind, p.mention, None, p.name, None, True,
                                     committee))
            pos = p.mention.end

    def _country_at(self, pos: int):
        for country in sorted(self.res.countries, key=len, reverse=True):
            if self._text.startswith(" " + country, pos):
                after = pos + 1 + len(country)
                if after >= len(self._text) or not self._text[after].isalnum():
                    return self.res.countries[country], after
        return None

    # -- resolving ------------------------------------------------------------------------------
    def resolve(self, matches: list[AgencyMatch], provinces: list[ProvinceMatch]) -> list[AgencyMatch]:
        """Give bodies written without their locality the one the article gives them.

        "Sở Y tế" after "Sở Y tế Hải Phòng" is that body; a bare "Tỉnh ủy" or "UBND tỉnh" in an
        article about one province is that province's.
        """
        named: dict[str, dict[str, str | None]] = {}
        for a in matches:
            if a.localised and a.kind and a.province:
                named.setdefault(a.base, {})[a.name] = a.province
        home = self._home_province(matches, provinces)
        resolved = []
        for a in matches:
            if a.kind and not a.localised and (a.parent is None or a.committee or a.unit):
                candidates = named.get(a.base, {})
                if len(candidates) == 1:
                    [(name, province)] = candidates.items()
                    a = replace(a, name=name, localised=True, province=province)
                elif (a.committee or a.unit) and home is not None:
                    p = self.res.province_by_name[home]
                    where = p.name if a.bare_place and not a.unit else f"{a.unit or p.unit} {p.name}"
                    a = replace(a, name=f"{a.base} {where}", localised=True, province=p.name)
            resolved.append(a)
        return resolved

    @staticmethod
    def _home_province(matches: list[AgencyMatch], provinces: list[ProvinceMatch]) -> str | None:
        """The province an article is about, when it is clear: the only one named, else the only one whose
        own bodies (UBND, Tỉnh ủy, Công an ... tỉnh X) it names, else one named twice as often as any other."""
        named = {p.name for p in provinces}
        if len(named) == 1:
            return next(iter(named))
        bodies = {a.province for a in matches if a.committee and a.localised and a.province}
        if len(bodies) == 1:
            return next(iter(bodies))
        counts = sorted(collections.Counter(p.name for p in provinces).values(), reverse=True)
        if len(counts) >= 2 and counts[0] >= 2 * counts[1]:
            return collections.Counter(p.name for p in provinces).most_common(1)[0][0]
        return None

    @staticmethod
    def to_records(matches: list[AgencyMatch]) -> list[Agency]:
        grouped: dict[str, list[AgencyMatch]] = {}
        for a in matches:
            if a.listed:
                grouped.setdefault(a.name, []).append(a)
        return [
            Agency(name, group[0].kind, next((a.parent for a in group if a.parent), None),
                   next((a.province for a in group if a.province), None), tuple(a.mention for a in group))
            for name, group in grouped.items()
        ]
