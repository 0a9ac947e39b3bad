"""Who is who across articles: the same-person rule of the roll-up.

Within one article the pipeline has already decided: the ``officials``
rows of one article with the same name are one person, with all the
positions found for them there. An *observation* is that: one article, one
name (compared by :func:`extract.normalize.fold`), a set of
:class:`Position` s (title, organization, province, compared folded).

Across articles, two positions are *compatible* when their provinces do
not differ (both named and different: two posts, whatever else they
share), and

- if both have an organization: one organization equals or extends the
  other (:func:`extends`: the shorter one's words appear in order in the
  longer one, punctuation aside, an acronym standing for the words it
  abbreviates: "Tỉnh ủy Đồng Nai" in "Ban Thường vụ Tỉnh ủy Đồng Nai",
  "Ủy ban nhân dân Hà Nội" in "Ủy ban nhân dân thành phố Hà Nội", "Sở
  GD&ĐT Hà Nội" in "Sở Giáo dục và Đào tạo Hà Nội"); the titles may then
  differ (a promotion in the same body), and a shared title does not make
  up for two organizations that differ;
- if either lacks the organization: they share a title, or one title
  extends the other ("Phó Thủ tướng" and "Phó Thủ tướng Thường trực").

So "Chủ tịch, Ủy ban nhân dân tỉnh Cà Mau" and "Chủ tịch, Ủy ban nhân dân
tỉnh Phú Yên" never match, even with one name and one title, and neither do
"Thứ trưởng, Bộ Y tế" and "Thứ trưởng, Bộ Tài chính".

Observations of one name are grouped greedily, most specific first (the
longest organization, then the most positions, then the order they were
first seen, so the result does not depend on anything else): an
observation joins the one person it is compatible with (any of its
positions with any of the person's), or starts a new person when none is.
When it is compatible with several people it is *ambiguous* ("Chủ tịch
Nguyễn Văn Hùng", no organization, beside two such chairmen): it is not
merged into either, and such observations with the same positions form
their own row, flagged ``ambiguous``. An observation without any title or
organization joins the name's only person, if there is exactly one.
Greedy joining never chains two incompatible people through a vague
observation, because a vague one that fits two people joins neither.

Within one person, a position without organization is the same as the
person's one position with that title and an organization, when there is
exactly one (:func:`collapse`): "Phó Thủ tướng" is "Phó Thủ tướng, Chính
phủ" for Vũ Đức Đam.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import unicodedata

import regex

from .normalize import fold

_FILLER = frozenset({"và"})
"""Words an acronym skips ("GDĐT" for "Giáo dục và Đào tạo")."""


@dataclass(frozen=True, order=True)
class Position:
    """A position as compared across articles: folded title, organization and province ("" if unknown)."""

    title: str = ""
    organization: str = ""
    province: str = ""

    @classmethod
    def of(cls, title: str | None, organization: str | None, province: str | None) -> "Position":
        return cls(fold(title or ""), fold(organization or ""), fold(province or ""))

    @property
    def informative(self) -> bool:
        return bool(self.title or self.organization)


def words(text: str) -> tuple[str, ...]:
    """The words of a folded text, punctuation dropped ("gd&đt" → "gd", "đt")."""
    return tuple(regex.findall(r"[\p{L}\p{N}]+", text))


def extends(longer: str, shorter: str) -> bool:
    """``shorter``'s words appear in order in ``longer`` (others may come between); an acronym of
    ``shorter`` matches the consecutive words of ``longer`` whose initials spell it."""
    short, long = words(shorter), words(longer)
    return bool(short) and _embeds(short, long)


@lru_cache(maxsize=65536)
def _embeds(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    if not short:
        return True
    head = short[0]
    if head in _FILLER and _embeds(short[1:], long):
        return True  # "Giáo dục và Đào tạo" in "Giáo dục - Đào tạo"
    for start, word in enumerate(long):
        if word == head and _embeds(short[1:], long[start + 1:]):
            return True
        if len(head) > 1 and any(_embeds(short[1:], long[end:]) for end in _spelled(head, long, start)):
            return True  # an acronym of `short` for words of `long`
        if len(word) > 1 and any(_embeds(short[end:], long[start + 1:]) for end in _spelled(word, short, 0)):
            return True  # an acronym of `long` for words of `short`
    return False


def _spelled(acronym: str, words_: tuple[str, ...], start: int) -> list[int]:
    """Where a run of ``words_`` from ``start`` whose initials spell ``acronym`` ends (at most one)."""
    acronym = _bare(acronym)
    initials, end = "", start
    while end < len(words_) and len(initials) < len(acronym):
        if words_[end] not in _FILLER or not initials:
            initials += _bare(words_[end][0])
        end += 1
        if not acronym.startswith(initials):
            return []
    return [end] if initials == acronym and end - start > 1 else []


def _bare(text: str) -> str:
    """``text`` without tone and vowel marks ("ủ" → "u"; "đ" stays, as Vietnamese acronyms keep it)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def titles_match(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or a.startswith(b + " ") or b.startswith(a + " "))


def compatible(p: Position, q: Position) -> bool:
    """May ``p`` and ``q``, seen with one name in two articles, belong to one person?"""
    if p.province and q.province and p.province != q.province:
        return False
    if p.organization and q.organization:
        return extends(p.organization, q.organization) or extends(q.organization, p.organization)
    return titles_match(p.title, q.title)


@dataclass
class Person:
    """Observations grouped as one person: their indices, and the union of their positions."""

    members: list[int] = field(default_factory=list)
    positions: set[Position] = field(default_factory=set)
    ambiguous: bool = False

    def fits(self, positions: Iterable[Position]) -> bool:
        return any(compatible(p, q) for p in positions for q in self.positions)

    def add(self, index: int, positions: Iterable[Position]) -> None:
        self.members.append(index)
        self.positions.update(positions)


def specificity(positions: Iterable[Position]) -> tuple[int, int]:
    informative = [p for p in positions if p.informative]
    return max((len(p.organization.split()) for p in informative), default=0), len(informative)


def group_people(observations: Sequence[frozenset[Position]]) -> list[Person]:
    """The people among observations of one name (indices into ``observations``), in the order found."""
    people: list[Person] = []
    ambiguous: dict[frozenset[Position], Person] = {}
    order = sorted(range(len(observations)), key=lambda i: (tuple(-x for x in specificity(observations[i])), i))
    for index in order:
        positions = observations[index]
        placed = [p for p in people if not p.ambiguous]
        if any(p.informative for p in positions):
            candidates = [person for person in placed if person.fits(positions)]
        else:
            candidates = placed
        if len(candidates) == 1:
            candidates[0].add(index, positions)
        elif not candidates:
            person = Person()
            person.add(index, positions)
            people.append(person)
        else:
            if positions not in ambiguous:
                ambiguous[positions] = Person(ambiguous=True)
                people.append(ambiguous[positions])
            ambiguous[positions].add(index, positions)
    return people


def collapse(positions: Iterable[Position]) -> dict[Position, Position]:
    """Each of one person's informative positions → the position it is listed under (see the module)."""
    informative = sorted({p for p in positions if p.informative})
    listed = {p: p for p in informative}
    for p in informative:
        if p.organization:
            continue
        targets = [q for q in informative if q.organization and q.title == p.title
                   and (not p.province or not q.province or p.province == q.province)]
        if len(targets) == 1:
            listed[p] = targets[0]
    return listed
