"""The crawl loop: take a URL off the archive's frontier, fetch it, store it, queue its links.

A seed may be a sitemap (or sitemap index, or Google News sitemap), an RSS or
Atom feed, or a web page: a listing or home page whose article links,
pagination and (up to ``max_depth`` hops) section pages are followed, or an
article. The crawl stays on the seeds' sites. Every fetched page is stored
with its links in one transaction, so running the same command after a
crash, ``kill -9`` or Ctrl-C goes on where it stopped, fetching no stored
page again; a later run fetches the seeds and listings again (with
conditional requests) to find new articles, and stored articles only with
``refresh``.

With ``since``, sitemap and feed entries dated before it are not fetched, a
fetched article published before it is kept as ``old`` (not an article of
the archive, but not fetched again), and a listing is not paged further once
all the articles of a page were old.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Sequence

import httpx

from ..html import HtmlParser, NoArticleError, decode_html
from ..pipeline import article_id
from .archive import Archive, FetchedPage, QueueItem, Run
from .fetcher import Clock, Disallowed, FetchConfig, FetchError, Fetcher, Response
from .seeds import DiscoveryError, article_url, canonical_url, read_html_links, read_xml_links, site_of, sniff
from .warc import WarcOutput

ARTICLE_PAGE_STATES = ("article", "old", "duplicate")


@dataclass(frozen=True)
class CrawlOptions:
    """What to crawl and when to stop; ``fetch`` says how to fetch."""

    max_pages: int | None = None     # web pages fetched in this run (sitemaps and feeds not counted)
    since: date | None = None        # skip articles published before this day (Vietnam time)
    refresh: bool = False            # fetch stored pages again (conditionally)
    max_depth: int = 1               # link hops to other listings (sections) from a seed page
    warc: Path | None = None         # also write what was fetched to this WARC file
    fetch: FetchConfig = field(default_factory=FetchConfig)

    def __post_init__(self) -> None:
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {self.max_pages}")
        if self.max_depth < 0:
            raise ValueError(f"max_depth must not be negative, not {self.max_depth}")

    @property
    def since_iso(self) -> str | None:
        """``since`` as the start of that day in Vietnam time, comparable with ``published``."""
        return f"{self.since.isoformat()}T00:00:00+07:00" if self.since else None

    def to_dict(self) -> dict:
        return {**asdict(self), "since": self.since_iso, "warc": str(self.warc) if self.warc else None}


@dataclass(frozen=True)
class CrawlStats:
    """What one crawl run did, and what is left."""

    run: int
    resumed: bool
    pages: int          # web pages stored (articles, old articles, duplicates, listings)
    articles: int       # of which new articles of the archive
    documents: int      # sitemaps and feeds stored
    not_modified: int   # conditional requests answered 304
    skipped: int        # robots.txt, --since, refused content
    failed: int         # fetch errors (failed: retried by a later run; error: not)
    queued: int         # still in the frontier
    stopped: str        # "done", "max-pages"
    unreachable: tuple[str, ...] = ()   # "seed: why" for each seed that could not be stored

    def to_dict(self) -> dict:
        return asdict(self)

    def report(self) -> str:
        """The lines printed at the end of ``vnextract crawl``."""
        head = "Resumed" if self.resumed else "Crawled"
        return (f"{head} run {self.run}: {self.pages:,} pages stored ({self.articles:,} new articles), "
                f"{self.documents:,} sitemaps/feeds, {self.not_modified:,} not modified, "
                f"{self.skipped:,} skipped, {self.failed:,} failed; {self.queued:,} URLs still queued"
                + (" (stopped at --max-pages)" if self.stopped == "max-pages" else ""))


def crawl(seeds: Sequence[str], archive: str | Path, options: CrawlOptions | None = None, *,
          client: httpx.Client | None = None, clock: Clock | None = None, parser: HtmlParser | None = None,
          progress: bool = False) -> CrawlStats:
    """Crawl from ``seeds`` into the SQLite archive at ``archive``; what was done.

    ``client`` (an httpx client, e.g. with a custom transport) and ``clock``
    (the waits) are the testing seams. Raises ``ValueError`` for a seed that
    is no http(s) URL and :class:`~extract.crawl.archive.ArchiveError` for a
    file that is no archive.
    """
    options = options or CrawlOptions()
    canonical = []
    for seed in seeds:
        url = canonical_url(seed)
        if url is None:
            raise ValueError(f"not an http(s) URL: {seed!r}")
        canonical.append(url)
    if not canonical:
        raise ValueError("no seed URL given")
    with Archive(archive) as store:
        fetcher = Fetcher(options.fetch, client=client, clock=clock, robots_store=store)
        with fetcher, (WarcOutput(options.warc) if options.warc else _NoWarc()) as warc:
            return _Crawl(store, fetcher, warc, parser or HtmlParser(), options, canonical).run(progress)


class _NoWarc:
    def __enter__(self) -> "_NoWarc":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, response: Response) -> None:
        pass


class _Crawl:
    """One run's state: the counters and the open archive, fetcher and WARC file."""

    def __init__(self, archive: Archive, fetcher: Fetcher, warc: WarcOutput | _NoWarc, parser: HtmlParser,
                 options: CrawlOptions, seeds: list[str]):
        self.archive, self.fetcher, self.warc, self.parser = archive, fetcher, warc, parser
        self.options, self.seeds = options, seeds
        self.sites = tuple(dict.fromkeys(site_of(url) for url in seeds))
        self.since = options.since_iso
        self.counts = dict(pages=0, articles=0, documents=0, not_modified=0, skipped=0, failed=0)

    def run(self, progress: bool) -> CrawlStats:
        from tqdm import tqdm

        run = self.archive.start_run(self.seeds, self.options.to_dict())
        if not run.resumed:
            self.archive.prepare_run(run, self.sites, self.options.refresh, self.since)
        self.archive.enqueue([QueueItem(url, site_of(url), "seed", 0) for url in self.seeds], run,
                             self.options.refresh)
        stopped = "done"
        with tqdm(total=self.options.max_pages, desc="crawl", unit=" pages", file=sys.stderr,
                  disable=not progress, dynamic_ncols=True, mininterval=0.5) as bar:
            while (item := self.archive.next_item(self.sites)) is not None:
                if self.options.max_pages and self.counts["pages"] >= self.options.max_pages:
                    stopped = "max-pages"
                    break
                before = self.counts["pages"]
                self._process(item, run)
                bar.update(self.counts["pages"] - before)
                bar.set_postfix(fetched=self.counts["pages"] + self.counts["documents"],
                                queued=self.archive.queued(self.sites), skipped=self.counts["skipped"],
                                failed=self.counts["failed"], refresh=False)
        self.archive.finish_run(run)
        unreachable = tuple(f"{url}: {(self.archive.frontier_state(url) or ('', 'not fetched'))[1]}"
                            for url in self.seeds if self.archive.stored(url) is None)
        return CrawlStats(run=run.id, resumed=run.resumed, queued=self.archive.queued(self.sites),
                          stopped=stopped, unreachable=unreachable, **self.counts)

    # --- one URL --------------------------------------------------------------------------

    def _process(self, item: QueueItem, run: Run) -> None:
        if self.since and item.date and item.date < self.since:
            return self._skip(item, run, f"dated {item.date}, before --since")
        if self.since and item.kind == "pagination" and item.source and \
                self.archive.listing_past_since(item.source):
            return self._skip(item, run, "the previous listing page held only articles before --since")
        stored = self.archive.stored(item.url)
        try:
            if not self.fetcher.allowed(item.url):
                return self._skip(item, run, "disallowed by robots.txt")
            response = self.fetcher.fetch(item.url, etag=stored and stored["etag"],
                                          last_modified=stored and stored["last_modified"])
        except Disallowed as error:
            return self._skip(item, run, error.reason)
        except FetchError as error:
            self.counts["failed"] += 1
            return self.archive.mark(item.url, "failed" if error.retryable else "error", error.reason, run)
        if response.status == 304 and stored:
            self.counts["not_modified"] += 1
            if stored["state"] not in ("sitemap", "feed", "listing"):
                return self.archive.touch(item, run, response.fetched_at)
            # a listing, sitemap or feed: queue its links again (some may be due in this run)
            page = FetchedPage(url=item.url, final_url=stored["final_url"], status=stored["status"],
                               fetched_at=response.fetched_at, state="", content=self.archive.content(item.url),
                               etag=response.header("etag") or stored["etag"],
                               last_modified=response.header("last-modified") or stored["last_modified"],
                               content_type=stored["content_type"])
            self._store(item, run, page)
            return None
        if response.status != 200:
            self.counts["failed"] += 1
            state = "failed" if response.retryable else "error"
            return self.archive.mark(item.url, state, f"HTTP {response.status}", run)
        self.warc.write(response)
        page = FetchedPage(url=item.url, final_url=response.final_url, status=200, fetched_at=response.fetched_at,
                           state="", content=response.content, etag=response.header("etag"),
                           last_modified=response.header("last-modified"), content_type=response.content_type)
        state = self._store(item, run, page)
        self.counts["pages"] += state in (*ARTICLE_PAGE_STATES, "listing", "error")
        self.counts["articles"] += state == "article"
        self.counts["documents"] += state in ("sitemap", "feed")
        self.counts["skipped"] += state in ("old", "skipped")
        self.counts["failed"] += state == "error"
        return None

    def _store(self, item: QueueItem, run: Run, page: FetchedPage) -> str:
        """Store the page as what it is; the state stored."""
        kind = sniff(page.content, page.content_type)
        if kind is None:
            self.archive.mark(item.url, "skipped", f"not a web page, sitemap or feed ({page.content_type})", run)
            return "skipped"
        if kind == "xml":
            return self._store_document(item, run, page)
        return self._store_html(item, run, page)

    def _store_document(self, item: QueueItem, run: Run, page: FetchedPage) -> str:
        try:
            kind, links = read_xml_links(page.content, page.final_url)
        except DiscoveryError as error:
            return self.archive.store(item, replace(page, state="error", note=str(error)), run)
        queued = []
        for link in links:
            if site_of(link.url) not in self.sites:
                continue
            if self.since and link.date and link.date < self.since:
                self.counts["skipped"] += 1
                continue
            depth = item.depth if link.kind == "sitemap" else item.depth + 1
            queued.append(QueueItem(link.url, site_of(link.url), link.kind, depth, link.date, item.url))
        return self.archive.store(item, replace(page, state=kind), run, links=queued, refresh=self.options.refresh)

    def _store_html(self, item: QueueItem, run: Run, page: FetchedPage) -> str:
        text = decode_html(page.content, declared=page.content_type)
        try:
            parsed = self.parser.parse(text, url=page.final_url)
        except NoArticleError:
            return self._store_listing(item, run, page, text)
        except Exception as error:  # noqa: BLE001 - the page is kept; the crawl goes on
            note = f"cannot parse: {type(error).__name__}: {error}"
            return self.archive.store(item, replace(page, state="error", note=note), run)
        canonical = article_url(parsed.url, page.final_url)
        record = {**parsed.to_record(article_id({"url": canonical})), "url": canonical}
        old = bool(self.since and record["published"] and record["published"] < self.since)
        aliases = [QueueItem(url, site_of(url), "article", item.depth, source=item.url)
                   for url in dict.fromkeys((canonical, canonical_url(page.final_url)))
                   if url and url != item.url and site_of(url) in self.sites]
        page = replace(page, state="old" if old else "article", canonical_url=canonical, record=record,
                       note="published before --since" if old else None)
        return self.archive.store(item, page, run, aliases=aliases)

    def _store_listing(self, item: QueueItem, run: Run, page: FetchedPage, text: str) -> str:
        """Queue the listing's article links, its next pages and (within ``max_depth``) other listings.

        A listing read again by a later run is paged on only while its pages
        hold articles the archive does not know yet.
        """
        links = [link for link in read_html_links(text, page.final_url) if site_of(link.url) in self.sites]
        articles = [link.url for link in links if link.kind == "article"]
        pages = [link.url for link in links if link.kind == "pagination"]
        if pages and not self.archive.unseen(articles):
            pages = sorted(self.archive.unseen(pages), key=pages.index)
        queued = [QueueItem(url, site_of(url), "article", item.depth + 1, source=item.url) for url in articles]
        queued += [QueueItem(url, site_of(url), "pagination", item.depth, source=item.url) for url in pages]
        if item.depth < self.options.max_depth:
            queued += [QueueItem(link.url, site_of(link.url), "listing", item.depth + 1, source=item.url)
                       for link in links if link.kind == "listing"]
        return self.archive.store(item, replace(page, state="listing"), run, links=queued, edges=articles,
                                  refresh=self.options.refresh)

    def _skip(self, item: QueueItem, run: Run, reason: str) -> None:
        self.counts["skipped"] += 1
        self.archive.mark(item.url, "skipped", reason, run)
