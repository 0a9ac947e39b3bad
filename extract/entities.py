"""The records the extractors return: frozen dataclasses with a readable repr.

Every record carries its mentions as (start, end) character offsets into the
normalised article text, so ``text[start:end]`` is what the article wrote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str

    def __repr__(self) -> str:
        return f"Mention({self.text!r} @{self.start}:{self.end})"


@dataclass(frozen=True)
class ProvinceRef:
    """A province-level unit named in an article."""

    province: str            # the name at the time ("Bình Dương")
    province_2025: str       # the unit holding its territory from 1 July 2025 ("Hồ Chí Minh")
    code: str
    code_2025: str
    mentions: tuple[Mention, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        return f"ProvinceRef({self.province!r} → {self.province_2025!r}, {len(self.mentions)} mentions)"


@dataclass(frozen=True)
class Agency:
    """A named public body: "Ủy ban nhân dân tỉnh Bình Dương", "Cục Viễn thông và Cơ yếu"."""

    name: str
    kind: str
    parent: str | None = None
    province: str | None = None
    mentions: tuple[Mention, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        parent = f", parent={self.parent!r}" if self.parent else ""
        return f"Agency({self.name!r}{parent})"


@dataclass(frozen=True)
class Position:
    title: str
    organization: str | None = None
    province: str | None = None

    def __repr__(self) -> str:
        return f"{self.title} | {self.organization}" if self.organization else self.title


@dataclass(frozen=True)
class Official:
    """A named person given a public position in the article."""

    name: str
    positions: tuple[Position, ...]
    mentions: tuple[Mention, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        return f"Official({self.name!r}, {list(self.positions)})"


@dataclass(frozen=True)
class LegalDocument:
    """A cited legal document: by number ("56-NQ/TW") or a law by name ("An ninh mạng")."""

    doc_type: str
    number: str | None = None
    issue_date: str | None = None     # ISO 8601 date
    issuer: str | None = None
    title: str | None = None
    year: str | None = None           # the year written after a named law ("Bộ luật Hình sự 2015")
    issuer_inferred: bool = False     # the issuer came from the number's issuer code, not the sentence
    mentions: tuple[Mention, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        what = self.number or self.title
        extra = "".join(f", {k}={v!r}" for k, v in (("date", self.issue_date), ("issuer", self.issuer)) if v)
        return f"LegalDocument({self.doc_type} {what}{extra})"
