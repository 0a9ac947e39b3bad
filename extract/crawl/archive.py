"""The crawl archive: one SQLite file holding the frontier and every fetched page.

WAL mode and one transaction per fetched page: a crawl killed at any moment,
even with ``kill -9``, loses no stored page and leaves no half-stored one.

``frontier``: every URL the crawl knows (canonical), what it is expected to
be (``seed``, ``sitemap``, ``feed``, ``listing``, ``pagination``,
``article``), its depth and sitemap/feed date, and its state: ``queued``,
``done`` (in ``pages``), ``failed`` (may work later: timeouts, 429, 5xx),
``error`` (will not: 4xx, too large, wrong type, redirect loop) or
``skipped`` (robots.txt, ``--since``, another URL of a stored page).
``pages``: raw bytes (zlib), status, fetch time, ETag, Last-Modified,
content type, final URL; for articles the record (JSON, ``extract``'s input
format), canonical URL, id and date. Its ``state`` is ``article``, ``old``
(published before ``--since``), ``duplicate`` (stored from another URL),
``listing``, ``sitemap``, ``feed`` or ``error``. ``edges``: listing → article
links (to stop paging past ``--since``). ``runs`` (an unfinished run is
resumed by the same command), ``robots`` (kept a day) and ``meta``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

from ..readers import STAGE, ReadFailure, ReadOptions, check_record

SCHEMA_VERSION = "1"
ROBOTS_MAX_AGE = timedelta(days=1)
PRIORITY = {"seed": 0, "article": 0, "pagination": 1, "sitemap": 1, "feed": 1, "listing": 2}
"""Lower is fetched first: articles before more listing pages, so a listing is read a page at a time."""

_PAGE_FIELDS = ("url", "final_url", "status", "fetched_at", "etag", "last_modified", "content_type", "state",
                "canonical_url", "article_id", "published", "note")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, seeds TEXT NOT NULL, options TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE IF NOT EXISTS frontier (url TEXT PRIMARY KEY, site TEXT NOT NULL, kind TEXT NOT NULL,
    depth INTEGER NOT NULL, priority INTEGER NOT NULL, date TEXT, source TEXT, state TEXT NOT NULL,
    note TEXT, run INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS frontier_queue ON frontier (state, site, priority, seq);
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, final_url TEXT NOT NULL, status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL, etag TEXT, last_modified TEXT, content_type TEXT, state TEXT NOT NULL,
    canonical_url TEXT, article_id TEXT, published TEXT, record TEXT, note TEXT, content BLOB NOT NULL,
    run INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS pages_article ON pages (article_id);
CREATE TABLE IF NOT EXISTS edges (source TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (source, target))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS robots (origin TEXT PRIMARY KEY, fetched_at TEXT NOT NULL, status INTEGER NOT NULL,
    body TEXT NOT NULL);
"""


class ArchiveError(Exception):
    """A file that is no crawl archive, or an archive that cannot be opened."""


@dataclass(frozen=True)
class QueueItem:
    """A URL in the frontier: what it is expected to be, how deep, its sitemap/feed date, where it was found."""

    url: str
    site: str
    kind: str
    depth: int
    date: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FetchedPage:
    """A page to store: fetch metadata, raw bytes, and what it turned out to be."""

    url: str
    final_url: str
    status: int
    fetched_at: str
    state: str
    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    canonical_url: str | None = None
    record: dict | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {**asdict(self), "content": f"<{len(self.content)} bytes>"}

    def __repr__(self) -> str:
        title = f", title={self.record.get('title')!r}" if self.record else ""
        return f"FetchedPage({self.state} {self.url!r}, status={self.status}, {len(self.content):,} bytes{title})"


@dataclass(frozen=True)
class Run:
    """One crawl run; ``resumed`` when it continues a run that was killed or interrupted."""

    id: int
    seeds: tuple[str, ...]
    started_at: str
    resumed: bool

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ArchiveSummary:
    """Counts of an archive: pages by state and frontier URLs by state."""

    pages: dict
    frontier: dict
    runs: int

    def to_dict(self) -> dict:
        return asdict(self)


class Archive:
    """The SQLite crawl archive at ``path`` (created if missing unless ``readonly``)."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.is_file():
            raise ArchiveError(f"{self.path}: no such archive")
        if self.path.is_dir():
            raise ArchiveError(f"{self.path} is a folder, not an archive file")
        try:
            if readonly:
                self._db = sqlite3.connect(f"file:{self.path.resolve()}?mode=ro", uri=True, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._setup()
        except (sqlite3.DatabaseError, OSError) as error:     # OperationalError, OSError: cannot open or create
            problem = "is no crawl archive" if type(error) is sqlite3.DatabaseError else "cannot be opened"
            raise ArchiveError(f"{self.path} {problem} ({error})") from None
        self._seq = self._db.execute("SELECT coalesce(max(seq), 0) FROM frontier").fetchone()[0]

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r}{', read-only' if self.readonly else ''})"

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _setup(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables and (tables or self.readonly):
            listed = f" (tables: {', '.join(sorted(tables))})" if tables else " (an empty database)"
            raise ArchiveError(f"{self.path} is an SQLite file but no crawl archive{listed}")
        if not self.readonly:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")   # in WAL mode: durable against a killed process
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        version = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            found = version[0] if version else "none"
            raise ArchiveError(f"{self.path}: archive schema {found}, this version reads {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db:                         # commits at the end, rolls back on an exception
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db

    # --- runs -----------------------------------------------------------------------------

    def start_run(self, seeds: Iterable[str], options: dict) -> Run:
        """A new run, or the unfinished last run with the same seeds (which is then resumed)."""
        seeds = tuple(seeds)
        key = json.dumps(sorted(seeds))
        row = self._db.execute("SELECT id, started_at, finished_at FROM runs WHERE seeds=? ORDER BY id DESC "
                               "LIMIT 1", (key,)).fetchone()
        if row and row[2] is None:
            return Run(row[0], seeds, row[1], resumed=True)
        started = _now()
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO runs (seeds, options, started_at) VALUES (?, ?, ?)",
                                (key, json.dumps(options, ensure_ascii=False, default=str), started))
        return Run(cursor.lastrowid, seeds, started, resumed=False)

    def finish_run(self, run: Run) -> None:
        with self._transaction() as db:
            db.execute("UPDATE runs SET finished_at=? WHERE id=?", (_now(), run.id))

    def prepare_run(self, run: Run, sites: Iterable[str], refresh: bool, since: str | None) -> None:
        """Queue again what this run should retry: failed URLs, and with ``refresh`` every stored page;
        make articles set aside by an earlier ``--since`` count again when this run's allows them."""
        sites = tuple(sites)
        wanted = "state='failed'" + (" OR (state='done' AND url IN (SELECT url FROM pages))" if refresh else "")
        with self._transaction() as db:
            rows = db.execute(f"SELECT url FROM frontier WHERE ({wanted}) AND run < ? AND site IN "
                              f"({','.join('?' * len(sites))}) ORDER BY seq", (run.id, *sites)).fetchall()
            for (url,) in rows:
                self._seq += 1
                db.execute("UPDATE frontier SET state='queued', note=NULL, run=?, seq=? WHERE url=?",
                           (run.id, self._seq, url))
            db.execute("UPDATE pages SET state='article' WHERE state='old' AND (? IS NULL OR published >= ?)",
                       (since, since))

    # --- the frontier ---------------------------------------------------------------------

    def enqueue(self, links: Iterable[QueueItem], run: Run, refresh: bool = False) -> int:
        """Add links in their own transaction; the number newly queued."""
        with self._transaction():
            return self._enqueue(list(links), run, refresh)

    def _enqueue(self, links: list[QueueItem], run: Run, refresh: bool) -> int:
        """New URLs are queued; known ones only if this run should fetch them again: a sitemap, feed
        or listing stored by an earlier run (unless a sitemap ``lastmod`` says it has not changed since),
        a failure of an earlier run, any stored page with ``refresh``."""
        queued = 0
        for start in range(0, len(links), 500):
            chunk = links[start:start + 500]
            known = {row[0]: row[1:] for row in self._db.execute(
                "SELECT f.url, f.state, p.state, f.run, p.fetched_at FROM frontier f LEFT JOIN pages p "
                f"ON p.url = f.url WHERE f.url IN ({','.join('?' * len(chunk))})", [l.url for l in chunk])}
            for link in chunk:
                if link.url in known:
                    state, page_state, last_run, fetched_at = known[link.url]
                    if last_run >= run.id or not _fetch_again(state, page_state, fetched_at, link.date, refresh):
                        continue
                self._seq += 1
                self._db.execute(
                    "INSERT INTO frontier VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', NULL, ?, ?) ON CONFLICT (url) "
                    "DO UPDATE SET state='queued', note=NULL, run=excluded.run, seq=excluded.seq, "
                    "date=coalesce(excluded.date, date)",
                    (link.url, link.site, link.kind, link.depth, PRIORITY.get(link.kind, 2), link.date,
                     link.source, run.id, self._seq))
                known[link.url] = ("queued", None, run.id, None)
                queued += 1
        return queued

    def unseen(self, urls: Iterable[str]) -> set[str]:
        """The URLs that the frontier does not know."""
        urls = list(dict.fromkeys(urls))
        known = {row[0] for start in range(0, len(urls), 500) for row in self._db.execute(
            f"SELECT url FROM frontier WHERE url IN ({','.join('?' * len(urls[start:start + 500]))})",
            urls[start:start + 500])}
        return set(urls) - known

    def next_item(self, sites: Iterable[str]) -> QueueItem | None:
        """The queued URL to fetch next on ``sites``: by priority, then in the order found."""
        sites = tuple(sites)
        row = self._db.execute(
            "SELECT url, site, kind, depth, date, source FROM frontier WHERE state='queued' AND site IN "
            f"({','.join('?' * len(sites))}) ORDER BY priority, seq LIMIT 1", sites).fetchone()
        return QueueItem(*row) if row else None

    def mark(self, url: str, state: str, note: str | None, run: Run) -> None:
        """Record that ``url`` was not stored: ``failed``, ``error`` or ``skipped``, and why."""
        with self._transaction() as db:
            db.execute("UPDATE frontier SET state=?, note=?, run=? WHERE url=?", (state, note, run.id, url))

    def store(self, item: QueueItem, page: FetchedPage, run: Run, links: Iterable[QueueItem] = (),
              edges: Iterable[str] = (), aliases: Iterable[QueueItem] = (), refresh: bool = False) -> str:
        """Store a fetched page, mark its URL done and queue its links, all in one transaction.

        An article whose canonical URL is already stored from another URL is
        kept as a ``duplicate``. ``aliases`` (the page's own canonical URL)
        are marked done so that they are never fetched. The state stored.
        """
        record = page.record
        article_id = record["id"] if record else None
        with self._transaction() as db:
            state, note = page.state, page.note
            if article_id is not None:
                other = db.execute("SELECT url FROM pages WHERE article_id=? AND url != ? AND state IN "
                                   "('article', 'old') LIMIT 1", (article_id, page.url)).fetchone()
                if other:
                    state, note = "duplicate", f"same article as {other[0]}"
            db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                page.url, page.final_url, page.status, page.fetched_at, page.etag, page.last_modified,
                page.content_type, state, page.canonical_url, article_id, (record or {}).get("published"),
                json.dumps(record, ensure_ascii=False) if record else None, note, zlib.compress(page.content, 6),
                run.id))
            db.execute("UPDATE frontier SET state='done', note=?, run=? WHERE url=?", (note, run.id, item.url))
            self._enqueue(list(links), run, refresh)
            db.executemany("INSERT OR IGNORE INTO edges VALUES (?, ?)", [(item.url, target) for target in edges])
            for alias in aliases:
                self._seq += 1
                db.execute("INSERT INTO frontier VALUES (?, ?, ?, ?, ?, ?, ?, 'skipped', ?, ?, ?) ON CONFLICT (url) "
                           "DO UPDATE SET state='skipped', note=excluded.note, run=excluded.run WHERE state='queued'",
                           (alias.url, alias.site, alias.kind, alias.depth, PRIORITY.get(alias.kind, 2), None,
                            item.url, f"same page as {item.url}", run.id, self._seq))
        return state

    def touch(self, item: QueueItem, run: Run, fetched_at: str) -> None:
        """A conditional request answered 304: the stored page is current."""
        with self._transaction() as db:
            db.execute("UPDATE pages SET fetched_at=?, run=? WHERE url=?", (fetched_at, run.id, item.url))
            db.execute("UPDATE frontier SET state='done', note='not modified', run=? WHERE url=?",
                       (run.id, item.url))

    def listing_past_since(self, url: str) -> bool:
        """Whether every stored article linked from listing page ``url`` was published before ``--since``."""
        stored, old = self._db.execute(
            "SELECT count(p.url), coalesce(sum(p.state='old'), 0) FROM edges e JOIN pages p ON p.url=e.target "
            "WHERE e.source=? AND p.state IN ('article', 'old', 'duplicate')", (url,)).fetchone()
        return stored > 0 and old == stored

    # --- reading --------------------------------------------------------------------------

    def stored(self, url: str) -> dict | None:
        """Fetch metadata of the page stored for ``url`` (no content), or None."""
        row = self._db.execute(f"SELECT {', '.join(_PAGE_FIELDS)} FROM pages WHERE url=?", (url,)).fetchone()
        return dict(zip(_PAGE_FIELDS, row)) if row else None

    def frontier_state(self, url: str) -> tuple[str, str | None] | None:
        """(state, note) of ``url`` in the frontier, or None if it is unknown."""
        return self._db.execute("SELECT state, note FROM frontier WHERE url=?", (url,)).fetchone()

    def content(self, url: str) -> bytes | None:
        """The raw bytes stored for ``url``."""
        row = self._db.execute("SELECT content FROM pages WHERE url=?", (url,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def articles(self) -> Iterator[dict]:
        """The stored article records, in the order they were stored (each canonical URL once)."""
        try:
            for (record,) in self._db.execute("SELECT record FROM pages WHERE state='article' ORDER BY rowid"):
                yield json.loads(record)
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"{self.path}: cannot read the archive ({error})") from None

    def summary(self) -> ArchiveSummary:
        pages = dict(self._db.execute("SELECT state, count(*) FROM pages GROUP BY state").fetchall())
        frontier = dict(self._db.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
        runs = self._db.execute("SELECT count(*) FROM runs").fetchone()[0]
        return ArchiveSummary(pages=pages, frontier=frontier, runs=runs)

    def queued(self, sites: Iterable[str]) -> int:
        sites = tuple(sites)
        return self._db.execute(f"SELECT count(*) FROM frontier WHERE state='queued' AND site IN "
                                f"({','.join('?' * len(sites))})", sites).fetchone()[0]

    # --- robots.txt (the fetcher's RobotsStore) --------------------------------------------

    def get_robots(self, origin: str) -> str | None:
        row = self._db.execute("SELECT fetched_at, body FROM robots WHERE origin=?", (origin,)).fetchone()
        if row and datetime.now(timezone.utc) - datetime.fromisoformat(row[0]) < ROBOTS_MAX_AGE:
            return row[1]
        return None

    def put_robots(self, origin: str, status: int, body: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO robots VALUES (?, ?, ?, ?)", (origin, _now(), status, body))


def read_archive(path: str | Path) -> Iterator[dict]:
    """The article records stored in the crawl archive at ``path``; raises :class:`ArchiveError`."""
    with Archive(path, readonly=True) as archive:
        yield from archive.articles()


def archive_reader(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """:func:`read_archive` as an input of ``vnextract extract`` (``extract.readers.READERS``)."""
    try:
        for record in read_archive(path):
            yield check_record(record, f"{path} ({record.get('url')})", record["id"], options)
    except ArchiveError as error:
        yield ReadFailure(path.name, STAGE, str(error))


def _fetch_again(state: str, page_state: str | None, fetched_at: str | None, date: str | None,
                 refresh: bool) -> bool:
    """Whether a URL handled by an earlier run is fetched again when found again: a failure, a stored
    page with ``refresh``, a stored sitemap, feed or listing unless its sitemap date says it is unchanged."""
    if state == "failed":
        return True
    if state != "done" or page_state is None or fetched_at is None:
        return False
    if refresh:
        return True
    if page_state in ("article", "old", "duplicate"):
        return False
    return date is None or datetime.fromisoformat(date) > datetime.fromisoformat(fetched_at)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
