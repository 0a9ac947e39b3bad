"""A crawl killed with SIGKILL halfway, then run again with the same command: nothing lost, nothing twice.

The crawl runs as ``python -m extract.crawl.command`` in a subprocess against
a real server on 127.0.0.1 (tests/crawl_server.py) that answers each article
slowly enough to kill the crawl between two pages.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from crawl_server import CrawlServer, article_page, sitemap
from extract.crawl import read_archive, read_warc

REPO = Path(__file__).resolve().parents[1]
ARTICLES = 24
KILL_AFTER = 6


def command(seed: str, archive: Path, warc: Path) -> list[str]:
    return [sys.executable, "-m", "extract.crawl.command", seed, "--archive", str(archive), "--delay", "0",
            "--timeout", "10", "--no-progress", "--warc", str(warc)]


def environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}


def stored_articles(archive: Path) -> list[str]:
    """URLs of the committed article pages (read while the crawl may be writing)."""
    try:
        with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as db:
            return [row[0] for row in db.execute("SELECT url FROM pages WHERE state='article'")]
    except sqlite3.Error:
        return []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_then_resume_loses_nothing_and_fetches_nothing_twice(tmp_path):
    archive, warc = tmp_path / "corpus" / "archive.sqlite", tmp_path / "corpus" / "crawl.warc.gz"
    with CrawlServer() as server:
        server.add("/robots.txt", "User-agent: *\nDisallow: /rieng/\n", content_type="text/plain")
        urls = [server.add(f"/tin/bai-so-{n}-2023{n:04d}.html",
                           article_page(f"Hội nghị cơ yếu số {n}", f"2023-10-{1 + n % 28:02d}T08:00:00+07:00"),
                           delay=0.08) for n in range(ARTICLES)]
        seed = server.add("/sitemap.xml", sitemap([(url, None) for url in urls]), content_type="application/xml")

        process = subprocess.Popen(command(seed, archive, warc), env=environment(), cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 90
        while len(stored_articles(archive)) < KILL_AFTER:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the crawl stored nothing in time"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        before = stored_articles(archive)
        requested_before = Counter(server.paths())
        assert KILL_AFTER <= len(before) < ARTICLES

        again = subprocess.run(command(seed, archive, warc), env=environment(), cwd=REPO, capture_output=True,
                               text=True, encoding="utf-8", timeout=180)
        assert again.returncode == 0, again.stderr
        assert "Resumed run 1" in again.stdout

        requested = Counter(server.paths())
        after = stored_articles(archive)

    # nothing lost, nothing twice
    assert sorted(after) == sorted(urls)
    records = list(read_archive(archive))
    assert len(records) == ARTICLES == len({record["id"] for record in records})
    # a page stored before the kill was never asked for again; at most the page in flight was asked twice
    for url in before:
        path = "/" + url.split("/", 3)[3]
        assert requested[path] == 1, path
    twice = [path for path, count in requested.items() if path.startswith("/tin/") and count > 1]
    assert len(twice) <= 1 and all(requested[path] == 2 for path in twice)
    assert twice == [] or requested_before[twice[0]] == 1
    assert sum(requested.values()) == ARTICLES + 2 + len(twice)
    # the sitemap was read in the run that was resumed, robots.txt is kept in the archive
    assert requested["/sitemap.xml"] == 1 and requested["/robots.txt"] == 1
    # the WARC file written across the kill still reads, and holds the same articles
    from_warc = [item for item in read_warc(warc)]
    assert all(isinstance(item, dict) for item in from_warc), [i for i in from_warc if not isinstance(i, dict)]
    assert sorted(item["id"] for item in from_warc) == sorted(record["id"] for record in records)
