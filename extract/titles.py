"""Find position titles ("Phó Bí thư Thường trực", "nguyên Bộ trưởng", "Chánh Thanh tra").

Titles come from models/lexicons/titles.csv; a deputy form ("Phó ...") is
generated where the lexicon allows it, and the prefixes of
models/lexicons/name_prefixes.csv ("nguyên", "Quyền") are kept or dropped as
that file says. Matching ignores case (running text writes "phó chủ tịch"
too) and prefers the longest title.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .entities import Mention
from .resources import Resources


ENVOYS = {"Đại sứ", "Tổng Lãnh sự"}


@dataclass(frozen=True)
class TitleMatch:
    title: str                  # canonical, with a kept prefix: "nguyên Bộ trưởng"
    mention: Mention
    org_prefix_start: int | None  # where the title's last words begin the body's name ("Trưởng [Ban ...]")
    own_body: str | None = None   # a body that is part of the title ("Thủ tướng Chính phủ")
    stands_alone: bool = False    # a public position even when no body is written ("Tổng Bí thư")

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


class TitleFinder:
    def __init__(self, resources: Resources):
        countries = "|".join(map(regex.escape, sorted(resources.countries, key=len, reverse=True)))
        # "Đại sứ Lào tại Việt Nam": an envoy's title names both countries
        self.envoy = regex.compile(rf" (?:{countries}) tại (?:{countries})(?!\w)")
        self.titles = {t.casefold(): spec for t, spec in resources.titles.items()}
        self.prefixes = resources.name_prefixes
        self.prefixes = {p.lower(): kept for p, kept in self.prefixes.items()}
        titles = "|".join(map(regex.escape, sorted({t.lower() for t in resources.titles}, key=len, reverse=True)))
        prefixes = "|".join(map(regex.escape, sorted(self.prefixes, key=len, reverse=True)))
        # matched against the lower-cased text: case-insensitive, and much faster than (?i)
        self.pattern = regex.compile(rf"(?<!\w)(?:(?P<prefix>{prefixes}) )?(?P<title>{titles})(?!\w)")

    def find(self, text: str) -> list[TitleMatch]:
        found = []
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lower case is longer: keep offsets exact
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for m in self.pattern.finditer(lowered):
            spec = self.titles[m.group("title").casefold()]
            title = spec.title
            prefix = m.group("prefix")
            if prefix and self.prefixes[prefix]:
                title = f"{prefix} {title}"
            org_start = None
            if spec.org_prefix:
                offset = m.group("title").casefold().rfind(spec.org_prefix.casefold())
                org_start = m.start("title") + offset if offset >= 0 else None
            end = m.end()
            if spec.title in ENVOYS:
                envoy = self.envoy.match(text, end)
                if envoy:
                    end = envoy.end()
                    title += envoy.group()
            found.append(TitleMatch(title, Mention(m.start(), end, text[m.start():end]), org_start, spec.own_body,
                                    spec.stands_alone))
        return found
