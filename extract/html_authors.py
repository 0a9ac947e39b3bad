"""Bylines to people's names: "Theo Hồ Hương" → "Hồ Hương", "TTXVN" → nothing.

News pages fill their author slots with the newsroom ("Báo Chính phủ",
"NLD.COM.VN", "TUOI TRE ONLINE"), with agencies ("TTXVN", "Reuters"), with
prefixes ("Theo", "PV", "Bài và ảnh:") and notes ("(tổng hợp)"). The
words to strip and the names that are not people are data
(``authors`` in ``models/site_profiles.json``); the site's own names come
from the page and its profile.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Iterable

MAX_WORDS_IN_NAME = 6
MAX_NAME_LENGTH = 50

_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SEPARATORS = re.compile(r"\s*(?:[,;/&|\n–—]|\s-\s|-\s|\s-|\bvà\b|\band\b)\s*", re.IGNORECASE)
_DOMAIN = re.compile(r"\.(?:vn|com|net|org|gov|edu|info)\b|https?:|www\.|@", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Comparison key: no marks, no case, letters and digits only ("Dân Trí" → "dantri")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", _COMBINING_MARKS.sub("", text))


@dataclass(frozen=True)
class AuthorRules:
    """What to strip from bylines and what is never a person."""

    strip_prefixes: tuple[str, ...] = ()
    drop_parts_starting_with: tuple[str, ...] = ()
    not_people: tuple[str, ...] = ()
    organization_words: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> "AuthorRules":
        # Longest prefix first, so "Bài và ảnh:" wins over "Bài".
        prefixes = sorted(data.get("strip_prefixes", ()), key=len, reverse=True)
        return cls(
            strip_prefixes=tuple(prefixes),
            drop_parts_starting_with=tuple(data.get("drop_parts_starting_with", ())),
            not_people=tuple(data.get("not_people", ())),
            organization_words=tuple(data.get("organization_words", ())),
        )

    def to_dict(self) -> dict:
        return asdict(self)


class AuthorCleaner:
    """Turns raw bylines into a ``", "``-joined list of people, or None."""

    def __init__(self, rules: AuthorRules):
        self.rules = rules
        self._not_people = frozenset(fold(name) for name in rules.not_people)
        self._organization_words = tuple(word.casefold() for word in rules.organization_words)

    def clean(self, bylines: Iterable[str], site_names: Iterable[str] = ()) -> str | None:
        """People named in ``bylines``, in order, without duplicates; None when there are none."""
        site_keys = {fold(name) for name in site_names if name} - {""}
        people: list[str] = []
        for byline in bylines:
            byline = self._strip_prefixes(" ".join(_PARENTHESES.sub(" ", byline or "").split()))
            for part in _SEPARATORS.split(byline):
                name = self._person(part, site_keys)
                if name and fold(name) not in {fold(p) for p in people}:
                    people.append(name)
        return ", ".join(people) or None

    def _person(self, part: str, site_keys: set[str]) -> str | None:
        part = " ".join(part.split()).strip(" .:-–—*")
        if not part:
            return None
        lowered = part.casefold()
        if any(lowered.startswith(word.casefold()) for word in self.rules.drop_parts_starting_with):
            return None
        part = self._strip_prefixes(part)
        if not part or not self._looks_like_a_name(part) or self._is_organization(part, site_keys):
            return None
        return part.title() if part.isupper() else part

    def _strip_prefixes(self, part: str) -> str:
        stripped = True
        while stripped and part:
            stripped = False
            for prefix in self.rules.strip_prefixes:
                if not part.casefold().startswith(prefix.casefold()):
                    continue
                rest = part[len(prefix):]
                if prefix.endswith(":") or not rest or not rest[0].isalnum():
                    part = rest.strip(" .:-–—")
                    stripped = True
                    break
        return part

    @staticmethod
    def _looks_like_a_name(part: str) -> bool:
        words = part.split()
        if len(words) > MAX_WORDS_IN_NAME or len(part) > MAX_NAME_LENGTH:
            return False
        if _DOMAIN.search(part) or _DIGIT.search(part):
            return False
        return all(word[0].isupper() for word in words if word[0].isalpha())

    def _is_organization(self, part: str, site_keys: set[str]) -> bool:
        key = fold(part)
        if key in self._not_people or key in site_keys:
            return True
        if any(len(site) >= 5 and key.startswith(site) for site in site_keys):
            return True
        lowered = part.casefold()
        return any(lowered == word or lowered.startswith(word + " ") for word in self._organization_words)
