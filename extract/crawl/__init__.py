"""Collect Vietnamese news articles into a resumable archive (``vnextract crawl``).

    from extract.crawl import crawl, read_archive, read_warc
    crawl(["https://baochinhphu.vn/sitemap.xml"], "corpus/archive.sqlite")
    records = list(read_archive("corpus/archive.sqlite"))   # article records, as extract reads them

Modules: ``seeds`` (URLs and link discovery), ``fetcher`` (polite HTTP),
``archive`` (the SQLite archive and frontier), ``crawler`` (the loop),
``warc`` (WARC out and in), ``command`` (the subcommand). The names below
are imported on first use, so that ``vnextract --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["Archive", "CrawlOptions", "crawl", "read_archive", "read_warc"]
_HOMES = {"Archive": "archive", "read_archive": "archive", "CrawlOptions": "crawler", "crawl": "crawler",
          "read_warc": "warc"}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
