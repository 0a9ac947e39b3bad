"""The progress bar of a run: articles per second, and an ETA once the input is counted.

The total comes from a cheap count in a background thread: the non-blank
lines of JSON Lines files (plain or gzip; decompression releases the GIL)
and one per HTML page. Inputs whose items cannot be counted cheaply (WARC
files, crawl archives) leave the total unknown; the bar then shows the
count and the rate only. Batches found finished by an earlier run are
taken off the total rather than counted, so the rate and the ETA are those
of the work actually done.
"""

from __future__ import annotations

import gzip
import sys
import threading
from pathlib import Path
from typing import Iterable

from .readers import supported_files

_LINE_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")
_PAGE_SUFFIXES = (".html", ".htm")


def count_items(paths: Iterable[Path]) -> int | None:
    """Items the inputs will give (read failures included), or None when that is not cheap to know."""
    total = 0
    for path in map(Path, paths):
        for file in supported_files(path) if path.is_dir() else [path]:
            name = file.name.lower()
            if name.endswith(_PAGE_SUFFIXES):
                total += 1
            elif name.endswith(_LINE_SUFFIXES):
                total += _count_lines(file)
            else:
                return None
    return total


def _count_lines(path: Path) -> int:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    count = 0
    try:
        with opener(path, "rb") as stream:
            for line in stream:
                count += bool(line.strip())
    except (OSError, EOFError):
        count += 1  # the reader reports the broken file as one failure
    return count


class Progress:
    """A tqdm bar over items; :meth:`done` for items extracted now, :meth:`skip` for items found finished."""

    def __init__(self, inputs: Iterable[Path] = (), enabled: bool = True, desc: str = "extract"):
        from tqdm import tqdm

        self.bar = tqdm(desc=desc, unit=" articles", file=sys.stderr, disable=not enabled,
                        dynamic_ncols=True, mininterval=0.5, smoothing=0.1)
        self.skipped = 0
        self._counted: list[int | None] = []  # filled by the counting thread
        self._counting = enabled
        if enabled:  # a daemon thread: a run that ends first does not wait for the count
            paths = list(inputs)
            threading.Thread(target=self._count, args=(paths,), name="vnextract-count", daemon=True).start()

    def _count(self, paths: list[Path]) -> None:
        try:
            self._counted.append(count_items(paths))
        except Exception:  # noqa: BLE001 - the bar just shows no total
            self._counted.append(None)

    def done(self, n: int) -> None:
        self._take_count()
        self.bar.update(n)

    def skip(self, n: int) -> None:
        self.skipped += n
        if self.bar.total is not None:
            self.bar.total = max(self.bar.n, self.bar.total - n)
        self._take_count()
        self.bar.set_postfix_str(f"{self.skipped:,} already done", refresh=False)

    def _take_count(self) -> None:
        if self._counting and self._counted:
            self._counting = False
            total = self._counted[0]
            if total is not None:
                self.bar.total = max(self.bar.n, total - self.skipped)
                self.bar.refresh()

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
