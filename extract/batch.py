"""Work units: items in batches, and what a worker does with one.

An *item* is what :func:`extract.readers.read_inputs` yields: an article
record (a plain dict) or a :class:`~extract.readers.ReadFailure`. Items
travel to worker processes as they are; Docs never leave the worker.

Every item has a key (:func:`item_key`): its ``article_id`` and the SHA-1
of the whole record as read (canonical JSON, so the text *and* the
metadata: a corrected date redoes the article), or of the read failure.

:func:`batches` cuts the item stream into :class:`Batch` es of about
``size`` items. The cut points depend on the items' keys, not on their
positions (an item whose key hash hits a mark ends a batch, between
``size/2`` and ``4*size`` items), like the chunks of rsync: an article
added to or removed from the middle of an archive changes the batch around
it, and the batches after it are the same as before, so a rerun redoes
only those. A batch is named by its digest, the SHA-1 of its keys.

:func:`extract_batch` is the task a worker runs: the batch's rows, built
into Parquet bytes per table (:func:`extract.parts.encode_part`), and
counts. :func:`process_items` is the in-memory variant (plain ``Rows``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Protocol

from .parts import encode_part
from .readers import ReadFailure
from .tables import TABLE_NAMES, Rows

DEFAULT_BATCH_SIZE = 200
"""Articles per batch (on average): a part file per table and batch, a manifest commit per batch."""

Item = dict | ReadFailure


class ExtractorLike(Protocol):
    def process(self, record: dict) -> Rows: ...


@dataclass(frozen=True)
class ItemKey:
    """What identifies an item across runs: its article id and the SHA-1 of the record as read."""

    article_id: str
    sha1: str

    def as_tuple(self) -> tuple[str, str]:
        return self.article_id, self.sha1


def item_key(item: Item) -> ItemKey:
    if isinstance(item, ReadFailure):
        data = f"read failure\t{item.stage}\t{item.error}"
        return ItemKey(item.article_id, hashlib.sha1(data.encode("utf-8")).hexdigest())
    data = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    article_id = str(item.get("id") or item.get("url") or "")
    return ItemKey(article_id, hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest())


@dataclass(frozen=True)
class Batch:
    """Consecutive items of the input, their keys, and the digest that names the batch."""

    digest: str
    keys: tuple[ItemKey, ...]
    items: tuple[Item, ...] = field(repr=False)

    @classmethod
    def of(cls, items: list[Item], keys: list[ItemKey]) -> "Batch":
        digest = hashlib.sha1("\n".join(f"{k.article_id}\t{k.sha1}" for k in keys).encode("utf-8", "surrogatepass"))
        return cls(digest.hexdigest(), tuple(keys), tuple(items))

    def __len__(self) -> int:
        return len(self.keys)


def batches(items: Iterable[Item], size: int = DEFAULT_BATCH_SIZE) -> Iterator[Batch]:
    """The items in batches of about ``size`` (see the module's docstring), lazily, in order."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    low = max(1, size // 2)
    gap = max(1, size - low + 1)  # a cut after each item from `low` on has chance 1/gap: `size` on average
    high = 4 * size
    current: list[Item] = []
    keys: list[ItemKey] = []
    for item in items:
        key = item_key(item)
        current.append(item)
        keys.append(key)
        if len(current) >= high or (len(current) >= low and int(key.sha1[:12], 16) % gap == 0):
            yield Batch.of(current, keys)
            current, keys = [], []
    if current:
        yield Batch.of(current, keys)


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- what a worker does -------------------------------------------------------------------------


def process_item(extractor: ExtractorLike, item: Item) -> Rows:
    """The rows of one item: an article's tables, or one ``errors`` row for a read failure.

    An exception escaping the extractor becomes an ``errors`` row (stage
    ``extract``) so that one bad article never stops a batch.
    """
    if isinstance(item, ReadFailure):
        return Rows(errors=[item.to_row()])
    try:
        return extractor.process(item)
    except Exception as error:  # noqa: BLE001 - recorded in the errors table
        article_id = str(item.get("id", ""))
        return Rows(errors=[{"article_id": article_id, "stage": "extract",
                             "error": f"{type(error).__name__}: {error}"}])


def process_items(extractor: ExtractorLike, items: list[Item]) -> list[Rows]:
    """The rows of each item, in order (the in-memory task)."""
    return [process_item(extractor, item) for item in items]


@dataclass(frozen=True)
class BatchOutput:
    """A batch's results as they come back from a worker: counts, and Parquet bytes per table."""

    n_items: int
    n_failed: int
    counts: Mapping[str, int]
    parts: Mapping[str, bytes] = field(repr=False)

    def to_dict(self) -> dict:
        return {"n_items": self.n_items, "n_failed": self.n_failed, "counts": dict(self.counts),
                "part_bytes": {name: len(data) for name, data in self.parts.items()}}


def extract_batch(extractor: ExtractorLike, items: list[Item]) -> BatchOutput:
    """Run the extractor over a batch and encode its rows, table by table (the streaming task)."""
    rows = Rows()
    failed = 0
    for item in items:
        item_rows = process_item(extractor, item)
        failed += bool(item_rows.errors)
        rows.extend(item_rows)
    tables = {name: getattr(rows, name) for name in TABLE_NAMES}
    return BatchOutput(len(items), failed, {name: len(r) for name, r in tables.items()},
                       {name: encode_part(name, r) for name, r in tables.items()})
