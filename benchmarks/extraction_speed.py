"""Extraction speed and memory on real news: our pipeline beside underthesea's ``ner``.

    python benchmarks/extraction_speed.py [--articles 3000] [--ner-articles 40]

Reads the first N articles of ../shared/data/baomoi-2017.jsonl.gz, runs the
Extractor in one process, and times underthesea.ner on a prefix of the same
articles (ner is ~200 times slower, so a prefix keeps the run short; the
figure compared is characters per second). Prints both rates, their ratio
and the process's peak memory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "baomoi-2017.jsonl.gz"


def load(n: int) -> list[dict]:
    records = []
    with gzip.open(ARCHIVE, "rt", encoding="utf-8") as f:
        for line in f:
            records.append(json.loads(line))
            if len(records) == n:
                break
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--ner-articles", type=int, default=40)
    args = parser.parse_args()
    if not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} is not there (it comes with ../shared)")
        return 0
    sys.path.insert(0, str(ROOT))
    from extract import Extractor
    from extract.normalize import normalize_text
    from extract.pipeline import article_text

    records = load(args.articles)
    chars = sum(len(normalize_text(article_text(r))) for r in records)
    started = time.perf_counter()
    extractor = Extractor()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    tables = extractor.run(records)
    ours = time.perf_counter() - started

    from underthesea import ner

    sample = [normalize_text(article_text(r)) for r in records[:args.ner_articles]]
    ner(sample[0][:200])  # load its models outside the timing
    started = time.perf_counter()
    for text in sample:
        ner(text)
    theirs = time.perf_counter() - started
    ner_chars = sum(map(len, sample))

    our_rate, ner_rate = chars / ours, ner_chars / theirs
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:           {len(records):,} ({chars:,} characters)")
    print(f"pipeline load:      {loaded:.2f} s")
    print(f"vnextract:          {ours:.1f} s, {len(records) / ours:,.0f} articles/s, {our_rate:,.0f} chars/s")
    print(f"underthesea.ner:    {theirs:.1f} s on {len(sample)} articles, {ner_rate:,.0f} chars/s")
    print(f"speed-up:           {our_rate / ner_rate:,.0f}x underthesea.ner")
    print(f"peak memory (RSS):  {peak_mb:,.0f} MB")
    print(f"found:              {tables.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
