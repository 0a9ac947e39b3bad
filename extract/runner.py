"""Running the extractor over many items: in memory, or streaming into a results folder.

:func:`run_extractor` keeps every row in memory (``evaluate``, small
inputs, the Python API). :func:`run_archive` is what ``vnextract extract``
runs, for inputs of any size:

1. the items are read lazily and cut into batches (:func:`extract.batch.batches`);
2. a batch the manifest already lists as finished is skipped; the others
   run on the executor (this process, local processes, or a Dask cluster),
   a bounded number at a time;
3. as each batch finishes, its part files are written durably, then the
   batch and its items' keys are committed to the manifest, in one
   transaction: a run killed at any point keeps whole batches only, and a
   rerun of the same command redoes exactly the missing ones;
4. at the end the parts are streamed, in input order, into
   ``<table>.csv`` / ``<table>.parquet`` (the same files, row for row, as
   a one-process run of :func:`run_extractor` and
   :func:`extract.writers.write_tables`), and the roll-up tables
   (:mod:`extract.rollup`) are computed from the parts, batch by batch.

Memory holds a few batches in flight and one part at a time, whatever the
size of the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .batch import DEFAULT_BATCH_SIZE, Batch, BatchOutput, Item, batches, chunks, extract_batch, process_items
from .manifest import BatchRecord, Manifest
from .parts import PartStore
from .progress import Progress
from .readers import DEFAULT_MAX_CHARS
from .rollup import ROLLUP_TABLES, rollup_batches
from .tables import TABLE_NAMES, Rows
from .workers import (Executor, ExtractorFactory, InlineExecutor, Job, ProcessExecutor, default_extractor,
                      in_order)
from .writers import FORMATS, write_frames

CHUNK_SIZE = 8
"""Items per task of the in-memory run."""
PART_FORMAT = "1"
"""Version of the part files and manifest; a results folder of another version is redone."""


# --- in memory ----------------------------------------------------------------------------------


@dataclass
class RunResult:
    """Everything an in-memory run produced: the rows, and how many items were read and failed."""

    rows: Rows = field(default_factory=Rows)
    read: int = 0
    failed: int = 0

    def add(self, item_rows: Rows) -> None:
        self.rows.extend(item_rows)
        self.read += 1
        self.failed += bool(item_rows.errors)


def run_extractor(items: Iterable[Item], workers: int = 1, factory: ExtractorFactory = default_extractor,
                  progress: bool = True) -> RunResult:
    """Run the extractor over ``items``, rows in input order whatever ``workers`` is (1: this process)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    executor = InlineExecutor(factory) if workers == 1 else ProcessExecutor(workers, factory)
    result = RunResult()
    jobs = (Job(i, chunk) for i, chunk in enumerate(chunks(items, CHUNK_SIZE)))
    with executor, Progress(enabled=progress) as bar:
        for _, rows_per_item in in_order(executor, process_items, jobs, on_result=_keep):
            for item_rows in rows_per_item:
                result.add(item_rows)
            bar.done(len(rows_per_item))
    return result


def _keep(key: object, value: list[Rows]) -> list[Rows]:
    return value


# --- streaming into a results folder -------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What a streaming run left in its results folder."""

    out_dir: Path
    read: int
    """Items in the results (articles and read failures), this run's and earlier runs'."""
    failed: int
    extracted: int
    """Items extracted by this run."""
    resumed: int
    """Items found finished by an earlier run and skipped."""
    batches: int
    counts: Mapping[str, int]
    """Rows per table, roll-up tables included."""
    written: tuple[Path, ...] = field(repr=False)

    def to_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "read": self.read, "failed": self.failed,
                "extracted": self.extracted, "resumed": self.resumed, "batches": self.batches,
                "counts": dict(self.counts), "written": [str(p) for p in self.written]}


def run_archive(items: Iterable[Item], out_dir: Path, executor: Executor, *,
                formats: Iterable[str] = FORMATS, batch_size: int = DEFAULT_BATCH_SIZE,
                max_chars: int = DEFAULT_MAX_CHARS, force: bool = False,
                progress: Progress | None = None) -> RunSummary:
    """Extract ``items`` into ``out_dir`` in batches on ``executor``, resuming an earlier run there.

    ``force`` forgets finished batches first. ``max_chars`` is only
    recorded (the readers and the extractor apply it): a folder made with
    another value raises :class:`extract.manifest.SettingsChanged`.
    """
    store = PartStore(out_dir)
    progress = progress or Progress(enabled=False)
    with Manifest(store.root) as manifest:
        if force:
            manifest.reset()
        manifest.check_settings({"max_chars": str(max_chars), "part_format": PART_FORMAT})
        counts = {"extracted": 0, "resumed": 0}

        def jobs() -> Iterator[Job]:
            for batch in batches(items, batch_size):
                key = replace(batch, items=())
                record = manifest.get(batch.digest)
                if record is not None:
                    progress.skip(len(batch))
                    counts["resumed"] += len(batch)
                    yield Job(key, None, record)
                else:
                    yield Job(key, list(batch.items))

        def finished(key: Batch, output: BatchOutput) -> BatchRecord:
            store.write(key.digest, output.parts)
            record = BatchRecord(key.digest, output.n_items, output.n_failed, dict(output.counts))
            manifest.record(record, (k.as_tuple() for k in key.keys))
            progress.done(output.n_items)
            counts["extracted"] += output.n_items
            return record

        position = 0
        for key, _ in in_order(executor, extract_batch, jobs(), finished):
            manifest.place(position, key.digest)
            position += 1
        manifest.end_sequence(position)
        progress.close()
        live = manifest.forget_unlisted()
        for digest in store.digests_on_disk() - live:
            store.remove(digest)
        written = consolidate(store, manifest, formats)
        entities = rollup_batches(store.batches(ROLLUP_TABLES, manifest.sequence()))
        written += write_frames(entities, out_dir, formats)
        totals = manifest.totals()
    rows = {name: totals.counts.get(name, 0) for name in TABLE_NAMES}
    rows.update({name: len(df) for name, df in entities.items()})
    return RunSummary(Path(out_dir), totals.n_items, totals.n_failed, counts["extracted"], counts["resumed"],
                      position, rows, tuple(written))


def consolidate(store: PartStore, manifest: Manifest, formats: Iterable[str]) -> list[Path]:
    """Every table of the contract from the parts of the manifest's sequence; the paths written."""
    written: list[Path] = []
    for name in TABLE_NAMES:
        written += store.consolidate(name, manifest.sequence, formats)
    return written
