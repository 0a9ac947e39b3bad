"""``vnextract crawl``: collect news articles into a resumable SQLite archive.

    vnextract crawl https://baochinhphu.vn/sitemap.xml --archive corpus/archive.sqlite --max-pages 500
    vnextract crawl https://bcy.gov.vn/ --archive corpus/archive.sqlite --since 2023-01-01
    vnextract extract corpus/archive.sqlite --out results/

:func:`add_parser` adds the subcommand to ``vnextract``'s parser;
``python -m extract.crawl.command SEED... --archive FILE`` runs it alone.
Exit codes: 0 when the crawl ran (pages that failed are recorded in the
archive), 1 when no seed could be fetched, 2 for usage errors, 130 when
interrupted (run the same command again to resume).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

PROGRAM = "vnextract"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_MAX_BYTES = 10 << 20
DESCRIPTION = ("Fetch articles from sitemaps, RSS/Atom feeds or listing pages into an SQLite archive, politely "
               "(robots.txt, one request at a time per host, --delay between them). Run the same command again "
               "to resume an interrupted crawl or to collect new articles; then read the archive with "
               "'vnextract extract ARCHIVE --out DIR'.")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``crawl`` to ``vnextract``'s subcommands (its handler is :func:`run`)."""
    parser = subparsers.add_parser(
        "crawl", help="collect news articles into a resumable archive",
        description=DESCRIPTION)
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .fetcher import DEFAULT_USER_AGENT

    parser.add_argument("seeds", nargs="+", metavar="SEED",
                        help="a sitemap (or sitemap index), an RSS/Atom feed, or a site or listing page URL")
    parser.add_argument("--archive", "-a", type=Path, required=True, metavar="FILE",
                        help="the SQLite archive (created if missing; resumed if present)")
    parser.add_argument("--max-pages", type=_positive_int, metavar="N",
                        help="stop after fetching N web pages in this run (sitemaps and feeds not counted)")
    parser.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                        help="skip articles published before this day (uses sitemap and feed dates to "
                             "avoid fetching them)")
    parser.add_argument("--delay", type=_seconds, default=1.0, metavar="SECONDS",
                        help="wait between two requests to one host (default: 1; robots.txt Crawl-delay "
                             "wins when longer)")
    parser.add_argument("--user-agent", default=DEFAULT_USER_AGENT, metavar="TEXT",
                        help="the User-Agent sent and matched against robots.txt (default: %(default)s)")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch stored pages again, with conditional requests (ETag, Last-Modified)")
    parser.add_argument("--warc", type=Path, metavar="FILE.warc.gz",
                        help="also write the requests and responses to this WARC file (appended)")
    parser.add_argument("--timeout", type=_positive_seconds, default=30.0, metavar="SECONDS",
                        help="wait at most this long to connect and for each read (default: 30)")
    parser.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"refuse bodies larger than N bytes (default: {DEFAULT_MAX_BYTES:,})")
    parser.add_argument("--max-depth", type=_natural, default=1, metavar="N",
                        help="follow links to other listings (sections) up to N hops from a seed page "
                             "(default: 1); article links and pagination are always followed")
    parser.add_argument("--retries", type=_natural, default=3, metavar="N",
                        help="retries after a timeout, 429 or 5xx, with exponential backoff (default: 3)")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="do not show the progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the crawl described by ``args``; the exit code."""
    from .archive import ArchiveError
    from .crawler import CrawlOptions, crawl
    from .fetcher import FetchConfig

    try:
        options = CrawlOptions(
            max_pages=args.max_pages, since=args.since, refresh=args.refresh, max_depth=args.max_depth,
            warc=args.warc, fetch=FetchConfig(user_agent=args.user_agent, delay=args.delay, timeout=args.timeout,
                                              max_bytes=args.max_bytes, retries=args.retries))
        stats = crawl(args.seeds, args.archive, options, progress=args.progress)
    except (ValueError, ArchiveError) as error:
        print(f"{PROGRAM} crawl: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:                     # the WARC file cannot be written, the disk is full...
        print(f"{PROGRAM} crawl: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"\n{PROGRAM} crawl: interrupted; every page fetched so far is in {args.archive}: run the same "
              "command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(stats.report())
    for line in stats.unreachable:
        print(f"{PROGRAM} crawl: warning: seed not fetched: {line}", file=sys.stderr)
    if stats.unreachable and len(stats.unreachable) == len(args.seeds):
        return EXIT_FAILED
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m extract.crawl.command``: the ``crawl`` subcommand on its own."""
    parser = argparse.ArgumentParser(prog=f"{PROGRAM} crawl", description=DESCRIPTION)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return run(args)


def _positive_int(text: str) -> int:
    value = _natural(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _natural(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be zero or more seconds, not {text}")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


if __name__ == "__main__":
    raise SystemExit(main())
