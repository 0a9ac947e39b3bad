"""Archive scale: throughput, the whole baomoi archive through the CLI, scaling, and Dask.

    python benchmarks/archive_scale.py [--subset 5000] [--workers 2] [--skip-ner] [--skip-archive]

1. one process, 3,000 articles, beside underthesea's ``ner``: runs
   benchmarks/extraction_speed.py and reports its figures (chars/s);
2. the whole of ../shared/data/baomoi-2017.jsonl.gz (35,440 articles) with
   ``vnextract extract --workers 2`` in a subprocess: wall time and the peak
   memory of the whole process tree;
3. the first ``--subset`` articles with ``--workers 1`` and ``--workers 2``;
4. the same subset on a Dask LocalCluster (2 worker processes, 1 thread
   each) with ``--scheduler``; the subset's tables of 3. and 4. are checked
   to be identical.

Memory is sampled every 0.25 s with psutil over the process tree (the CLI
and its worker processes; for Dask, the CLI and the cluster's worker
processes): the peak of the sum of RSS (shared pages counted once per
process, an upper bound) and of the sum of PSS (shared pages divided
between the processes that share them). Wall times include starting
Python and loading the pipeline in each worker (~3 s each).
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import itertools
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "baomoi-2017.jsonl.gz"
TABLES = ("articles", "officials", "provinces", "agencies", "legal_documents", "mentions", "errors",
          "entity_officials", "entity_official_positions", "entity_agencies", "entity_provinces",
          "entity_legal_documents")


@dataclass(frozen=True)
class Figure:
    run: str
    articles: int
    seconds: float
    peak_rss_mb: float | None = None
    peak_pss_mb: float | None = None
    note: str = ""

    def row(self) -> str:
        rate = f"{self.articles / self.seconds:,.0f}" if self.seconds else "-"
        rss = f"{self.peak_rss_mb:,.0f}" if self.peak_rss_mb is not None else "-"
        pss = f"{self.peak_pss_mb:,.0f}" if self.peak_pss_mb is not None else "-"
        return f"| {self.run} | {self.articles:,} | {self.seconds:,.1f} | {rate} | {rss} | {pss} | {self.note} |"


class TreeSampler:
    """Peak summed RSS and PSS of the processes ``processes()`` returns, sampled in a thread."""

    def __init__(self, processes: Callable[[], list], interval: float = 0.25):
        self.processes = processes
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            rss = pss = 0
            for process in self.processes():
                try:
                    info = process.memory_full_info()
                except (psutil.Error, OSError):
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop.wait(self.interval)


def tree(root) -> list:
    import psutil

    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def run_cli(args: list, extra: Callable[[], list] = list) -> tuple[float, int, int, str]:
    """(seconds, peak RSS, peak PSS, stdout) of ``vnextract`` with ``args``, memory sampled over its tree."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "extract", *map(str, args)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(process.pid)
    with TreeSampler(lambda: tree(root) + extra()) as sampler:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1) or "Articles read" not in out:
        raise SystemExit(f"vnextract {' '.join(map(str, args))} failed ({process.returncode}):\n{err[-3000:]}")
    return seconds, sampler.peak_rss, sampler.peak_pss, out


def extractor_speed(articles: int) -> list[str]:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "extraction_speed.py"),
                             "--articles", str(articles)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"extraction_speed.py failed:\n{result.stderr[-3000:]}")
    return result.stdout.splitlines()


def write_subset(n: int, path: Path) -> None:
    with gzip.open(ARCHIVE, "rb") as source, open(path, "wb") as target:
        target.writelines(itertools.islice(source, n))


def same_tables(a: Path, b: Path) -> bool:
    return all((b / f"{name}.csv").is_file() and filecmp.cmp(a / f"{name}.csv", b / f"{name}.csv", shallow=False)
               for name in TABLES)


def mb(n: int) -> float:
    return n / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=5000, help="articles for the scaling runs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-ner", action="store_true", help="skip the comparison with underthesea.ner")
    parser.add_argument("--skip-archive", action="store_true", help="skip the whole-archive run")
    args = parser.parse_args()
    if not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} is not there (it comes with ../shared)")
        return 0
    figures: list[Figure] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vnextract-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_ner:
            print("1. one process beside underthesea.ner (benchmarks/extraction_speed.py) ...", flush=True)
            lines = extractor_speed(3000)
            print("\n".join(f"   {line}" for line in lines), flush=True)

        if not args.skip_archive:
            print(f"2. the whole archive, --workers {args.workers} ...", flush=True)
            seconds, rss, pss, out = run_cli(["extract", ARCHIVE, "--out", tmp / "archive", "--workers",
                                              args.workers, "--no-progress"])
            read = int(re.search(r"Articles read: ([\d,]+)", out).group(1).replace(",", ""))
            figures.append(Figure(f"whole archive, --workers {args.workers}", read, seconds, mb(rss), mb(pss),
                                  "under 5 min / 2 GB" if seconds < 300 and rss < 2 * 2**30 else "OVER TARGET"))
            print(f"   {out.splitlines()[0]}; {seconds:.1f} s", flush=True)

        print(f"3. scaling on the first {args.subset:,} articles ...", flush=True)
        subset = tmp / "subset.jsonl"
        write_subset(args.subset, subset)
        for workers in (1, args.workers):
            seconds, rss, pss, _ = run_cli(["extract", subset, "--out", tmp / f"local-{workers}", "--workers",
                                            workers, "--no-progress"])
            figures.append(Figure(f"subset, --workers {workers}", args.subset, seconds, mb(rss), mb(pss)))
        one, many = figures[-2].seconds, figures[-1].seconds
        figures[-1] = Figure(**{**figures[-1].__dict__, "note": f"{one / many:.2f}x --workers 1"})

        print(f"4. the subset on a Dask LocalCluster ({args.workers} workers) ...", flush=True)
        import psutil
        from distributed import LocalCluster

        sys.path.insert(0, str(ROOT))  # the cluster's worker processes start with this sys.path

        me = psutil.Process()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            workers = lambda: [p for p in me.children(recursive=True) if "extract" not in " ".join(p.cmdline())]
            seconds, rss, pss, _ = run_cli(["extract", subset, "--out", tmp / "dask", "--scheduler",
                                            cluster.scheduler_address, "--no-progress"], extra=workers)
        identical = same_tables(tmp / "local-1", tmp / f"local-{args.workers}") and \
            same_tables(tmp / "local-1", tmp / "dask")
        figures.append(Figure(f"subset, Dask LocalCluster ({args.workers} workers)", args.subset, seconds,
                              mb(rss), mb(pss), f"{figures[-1].seconds / seconds:.2f}x local; tables "
                                            f"{'identical' if identical else 'DIFFER'}"))

    print()
    for line in lines:
        if line.startswith(("vnextract:", "underthesea.ner:", "speed-up:")):
            print(line)
    print()
    print("| run | articles | wall s | articles/s | peak RSS MB (tree) | peak PSS MB (tree) | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for figure in figures:
        print(figure.row())
    return 0


if __name__ == "__main__":
    sys.exit(main())
