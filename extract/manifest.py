"""The manifest of a results folder: which batches are finished, and their order in the input.

``DIR/parts/manifest.sqlite`` (SQLite, WAL journal, ``synchronous=FULL``)
holds four tables:

- ``batches``: one row per finished batch, by its digest (the SHA-1 of its
  items' keys, :mod:`extract.batch`): items, failures and rows per table;
- ``articles``: the keys of each finished batch's items, in order:
  ``article_id`` and ``sha1``, the SHA-1 of the whole input record as read
  (its text and metadata), or of the read failure;
- ``sequence``: the digests of the current input's batches, in input order;
  the consolidated tables are the parts of this sequence;
- ``settings``: the options that change results (``--max-chars``).

A batch is finished when its row is committed, and its row is committed
(with its keys, in one transaction) only after its part files are on disk.
A run killed at any moment leaves each batch either fully recorded or
absent; an absent batch's stray part files are overwritten when the batch
runs again, or removed by :meth:`Manifest.forget_unlisted`.

One run at a time may use a results folder: the manifest holds an
exclusive lock (``parts/.lock``) while open, released by the OS however
the run ends.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

MANIFEST_FILE = "manifest.sqlite"
LOCK_FILE = ".lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    digest TEXT PRIMARY KEY, n_items INTEGER NOT NULL, n_failed INTEGER NOT NULL, counts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    digest TEXT NOT NULL, position INTEGER NOT NULL, article_id TEXT NOT NULL, sha1 TEXT NOT NULL,
    PRIMARY KEY (digest, position));
CREATE TABLE IF NOT EXISTS sequence (position INTEGER PRIMARY KEY, digest TEXT NOT NULL);
"""


class FolderBusy(RuntimeError):
    """Another run holds the results folder."""


class SettingsChanged(ValueError):
    """The results folder was made with other settings; resuming would mix results."""


@dataclass(frozen=True)
class BatchRecord:
    """One finished batch: how many items it had, how many failed, and its rows per table."""

    digest: str
    n_items: int
    n_failed: int
    counts: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**asdict(self), "counts": dict(self.counts)}


class Manifest:
    """The SQLite manifest in ``folder`` (created if missing), locked for this process while open."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.folder / LOCK_FILE)
        self.db = sqlite3.connect(self.folder / MANIFEST_FILE)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        with self.db:
            self.db.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"Manifest({str(self.folder / MANIFEST_FILE)!r})"

    def close(self) -> None:
        self.db.close()
        self._lock.close()

    def __enter__(self) -> "Manifest":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- settings and reset ------------------------------------------------------------------

    def check_settings(self, settings: Mapping[str, str]) -> None:
        """Store ``settings``, or raise :class:`SettingsChanged` if finished batches were made with others."""
        stored = dict(self.db.execute("SELECT name, value FROM settings"))
        has_batches = self.db.execute("SELECT 1 FROM batches LIMIT 1").fetchone() is not None
        if stored and has_batches and stored != dict(settings):
            changed = ", ".join(f"{k} {stored.get(k)} (now {settings.get(k)})" for k in sorted(set(stored) | set(settings))
                                if stored.get(k) != settings.get(k))
            raise SettingsChanged(f"the results there were made with {changed}")
        with self.db:
            self.db.execute("DELETE FROM settings")
            self.db.executemany("INSERT INTO settings VALUES (?, ?)", settings.items())

    def reset(self) -> None:
        """Forget every batch (``--force``)."""
        with self.db:
            for table in ("batches", "articles", "sequence", "settings"):
                self.db.execute(f"DELETE FROM {table}")

    # --- batches -----------------------------------------------------------------------------

    def get(self, digest: str) -> BatchRecord | None:
        row = self.db.execute("SELECT digest, n_items, n_failed, counts FROM batches WHERE digest = ?",
                              (digest,)).fetchone()
        return _record(row) if row else None

    def record(self, batch: BatchRecord, keys: Iterable[tuple[str, str]]) -> None:
        """Record a finished batch and its items' (article_id, sha1) keys, in one transaction."""
        with self.db:
            self.db.execute("DELETE FROM articles WHERE digest = ?", (batch.digest,))
            self.db.execute("INSERT OR REPLACE INTO batches VALUES (?, ?, ?, ?)",
                            (batch.digest, batch.n_items, batch.n_failed, json.dumps(dict(batch.counts))))
            self.db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)",
                                ((batch.digest, i, aid, sha1) for i, (aid, sha1) in enumerate(keys)))

    # --- the input's order -------------------------------------------------------------------

    def place(self, position: int, digest: str) -> None:
        """Batch ``position`` of the input is ``digest`` (committed with the next batch or :meth:`end_sequence`)."""
        self.db.execute("INSERT OR REPLACE INTO sequence VALUES (?, ?)", (position, digest))

    def end_sequence(self, length: int) -> None:
        """The input has ``length`` batches: drop positions beyond and commit."""
        with self.db:
            self.db.execute("DELETE FROM sequence WHERE position >= ?", (length,))

    def sequence(self) -> Iterator[str]:
        """The digests of the input's batches, in order (read lazily)."""
        cursor = self.db.execute("SELECT digest FROM sequence ORDER BY position")
        for (digest,) in cursor:
            yield digest

    def totals(self) -> BatchRecord:
        """Items, failures and rows per table over the sequence (digest ``"*"``)."""
        items = failed = 0
        counts: dict[str, int] = {}
        query = "SELECT b.digest, n_items, n_failed, counts FROM sequence s JOIN batches b ON b.digest = s.digest"
        for row in self.db.execute(query):
            record = _record(row)
            items += record.n_items
            failed += record.n_failed
            for name, n in record.counts.items():
                counts[name] = counts.get(name, 0) + n
        return BatchRecord("*", items, failed, counts)

    def keys(self) -> Iterator[tuple[str, str]]:
        """(article_id, sha1) of every item of the sequence, in input order."""
        query = ("SELECT a.article_id, a.sha1 FROM sequence s JOIN articles a ON a.digest = s.digest "
                 "ORDER BY s.position, a.position")
        yield from self.db.execute(query)

    def forget_unlisted(self) -> set[str]:
        """Drop batches that the sequence does not list (an older input's); the digests kept."""
        with self.db:
            self.db.execute("DELETE FROM batches WHERE digest NOT IN (SELECT digest FROM sequence)")
            self.db.execute("DELETE FROM articles WHERE digest NOT IN (SELECT digest FROM batches)")
        return {digest for (digest,) in self.db.execute("SELECT digest FROM batches")}


def _record(row: tuple) -> BatchRecord:
    digest, n_items, n_failed, counts = row
    return BatchRecord(digest, n_items, n_failed, json.loads(counts))


def _lock(path: Path):
    handle = open(path, "a+")
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; one run at a time is then up to the user
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise FolderBusy(f"another vnextract run is writing to {path.parent.parent}") from None
    return handle
