"""Per-site selectors for article pages, loaded from ``models/site_profiles.json``.

A :class:`SiteProfile` lists, for one site, XPath expressions for each field
(tried in order; the first that yields text wins) and the boilerplate to
remove from the body. The ``generic`` profile holds selectors that fit
most Vietnamese CMSs and is tried after the site's own. XPaths may select
elements (their text is used) or attributes (``//time/@datetime``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from .html_authors import AuthorRules, fold
from .resources import models_dir

PROFILES_FILE = "site_profiles.json"
SELECTOR_FIELDS = ("title", "published", "author", "category", "lead", "body", "remove")


@dataclass(frozen=True)
class SiteProfile:
    """Selectors for one site (``domain``), or for any site (``domain == "*"``)."""

    domain: str
    names: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, domain: str, data: dict) -> "SiteProfile":
        unknown = set(data) - set(SELECTOR_FIELDS) - {"names", "note"}
        if unknown:
            raise ValueError(f"site profile {domain!r}: unknown keys {sorted(unknown)}")
        for name in SELECTOR_FIELDS:
            for path in data.get(name, ()):
                try:
                    etree.XPath(path)
                except etree.XPathSyntaxError as error:
                    raise ValueError(f"site profile {domain!r}, {name}: bad XPath {path!r}: {error}") from None
        values = {name: tuple(data.get(name, ())) for name in SELECTOR_FIELDS}
        return cls(domain=domain, names=tuple(data.get("names", ())), **values)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SiteProfiles:
    """All site profiles, the generic one, and the byline and boilerplate rules."""

    sites: tuple[SiteProfile, ...]
    generic: SiteProfile
    author_rules: AuthorRules = AuthorRules()
    boilerplate_lines: frozenset[str] = frozenset()
    path: Path | None = None
    _by_domain: dict = field(default_factory=dict, repr=False, compare=False)
    _by_name: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for site in self.sites:
            self._by_domain[site.domain] = site
            for name in (*site.names, site.domain):
                self._by_name.setdefault(fold(name), site)

    @classmethod
    def load(cls, path: Path | None = None) -> "SiteProfiles":
        """Read the profiles file (default: ``models/site_profiles.json``)."""
        path = Path(path) if path is not None else models_dir() / PROFILES_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
        sites = tuple(SiteProfile.from_dict(domain, entry) for domain, entry in data.get("sites", {}).items())
        return cls(
            sites=sites,
            generic=SiteProfile.from_dict("*", data.get("generic", {})),
            author_rules=AuthorRules.from_dict(data.get("authors", {})),
            boilerplate_lines=frozenset(fold(line) for line in data.get("boilerplate_lines", ())),
            path=path,
        )

    def for_host(self, host: str | None) -> SiteProfile | None:
        """The profile of ``host`` or of its closest parent domain ("m.vnexpress.net" → vnexpress.net)."""
        if not host:
            return None
        labels = host.lower().rstrip(".").split(".")
        for start in range(len(labels) - 1):
            site = self._by_domain.get(".".join(labels[start:]))
            if site:
                return site
        return None

    def for_site_name(self, name: str | None) -> SiteProfile | None:
        """The profile whose ``names`` include ``name`` (an og:site_name), compared without marks or case."""
        return self._by_name.get(fold(name)) if name else None
