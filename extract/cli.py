"""The ``vnextract`` command line.

    vnextract extract INPUT... --out DIR [--workers N] [--format csv,parquet] [--max-chars N]
    vnextract evaluate GOLD.jsonl CORPUS.jsonl [--json]
    vnextract export RESULTS_DIR [--xlsx FILE]

Exit codes: 0 when every article went through, 1 when some article failed
(the tables are still written; the failures are in ``errors``), 2 for usage
errors (bad arguments, an input path that does not exist), 130 when
interrupted.

Each subcommand is a function that adds its parser to :data:`COMMANDS`'s
list; new ones (``crawl``, ``export``) add theirs the same way.
"""

from __future__ import annotations

import argparse
import functools
import json
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from .readers import DEFAULT_MAX_CHARS, ReadFailure, read_inputs
from .tables import Rows, Tables
from .writers import FORMATS, check_formats, write_tables

PROGRAM = "vnextract"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
CHUNK_SIZE = 8
"""Articles per task sent to a worker process."""


class ExtractorLike(Protocol):
    def process(self, record: dict) -> Rows: ...


ExtractorFactory = Callable[[], ExtractorLike]


class UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


class RunError(RuntimeError):
    """The run cannot go on: the extractor cannot be built, or a worker process died (exit code 1)."""


# --- running the extractor ----------------------------------------------------------------


@dataclass
class RunResult:
    """Everything one run produced: the rows, and how many articles were read and failed."""

    rows: Rows = field(default_factory=Rows)
    read: int = 0
    failed: int = 0

    def add(self, item_rows: Rows) -> None:
        self.rows.extend(item_rows)
        self.read += 1
        self.failed += bool(item_rows.errors)


def default_extractor(max_chars: int = DEFAULT_MAX_CHARS) -> ExtractorLike:
    """The real pipeline (imported here so that ``--help`` stays fast)."""
    from .pipeline import Extractor

    return Extractor(max_chars=max_chars)


def process_item(extractor: ExtractorLike, item: dict | ReadFailure) -> Rows:
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


def run_extractor(items: Iterable[dict | ReadFailure], workers: int = 1,
                  factory: ExtractorFactory = default_extractor, progress: bool = True) -> RunResult:
    """Run the extractor over ``items``; rows come out in input order whatever ``workers`` is."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    result = RunResult()
    with _progress_bar(progress) as bar:
        for item_rows in _rows_per_item(items, workers, factory):
            result.add(item_rows)
            bar.update(1)
    return result


def _rows_per_item(items: Iterable, workers: int, factory: ExtractorFactory) -> Iterator[Rows]:
    if workers == 1:
        extractor = _build(factory)
        for item in items:
            yield process_item(extractor, item)
    else:
        yield from _rows_from_workers(items, workers, factory)


def _rows_from_workers(items: Iterable, workers: int, factory: ExtractorFactory) -> Iterator[Rows]:
    """Chunks of items go to ``workers`` processes, at most two chunks per worker in flight."""
    executor = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(factory,))
    try:
        chunks = _chunks(items, CHUNK_SIZE)
        pending = deque(executor.submit(_process_chunk, chunk) for chunk in islice(chunks, 2 * workers))
        while pending:
            chunk_rows = pending.popleft().result()
            pending.extend(executor.submit(_process_chunk, chunk) for chunk in islice(chunks, 1))
            yield from chunk_rows
    except BrokenProcessPool as error:
        raise RunError(f"a worker process died ({error}); was it killed or out of memory?") from error
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _build(factory: ExtractorFactory) -> ExtractorLike:
    try:
        return factory()
    except Exception as error:  # noqa: BLE001 - reported with its cause
        raise RunError(f"cannot build the extractor: {type(error).__name__}: {error}") from error


# One Extractor per worker process, built by the pool's initializer. A failure is kept and
# raised by the first task, so that the parent gets the reason rather than a broken pool.
_worker_extractor: ExtractorLike | None = None
_worker_error: RunError | None = None


def _init_worker(factory: ExtractorFactory) -> None:
    global _worker_extractor, _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the parent
    try:
        _worker_extractor = _build(factory)
    except RunError as error:
        _worker_error = error


def _process_chunk(chunk: list) -> list[Rows]:
    if _worker_extractor is None:
        raise _worker_error or RunError("the worker process has no extractor")
    return [process_item(_worker_extractor, item) for item in chunk]


def _progress_bar(enabled: bool):
    from tqdm import tqdm

    return tqdm(desc="extract", unit=" articles", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, mininterval=0.5)


# --- vnextract extract --------------------------------------------------------------------


def add_extract(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "extract", help="extract officials, provinces, agencies and legal documents into tables",
        description="Read articles (JSON Lines, .jsonl.gz, saved HTML pages, or folders of them) "
                    "and write the tables of officials, provinces, agencies and legal documents.")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="a .jsonl/.jsonl.gz/.json file, an .html page, or a folder of them")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="DIR",
                        help="folder for the tables (created if missing)")
    parser.add_argument("--workers", "-j", type=_positive_int, default=1, metavar="N",
                        help="processes running the extractor (default: 1, in this process)")
    parser.add_argument("--format", dest="formats", type=_formats, default=FORMATS, metavar="LIST",
                        help=f"comma-separated output formats (default: {','.join(FORMATS)})")
    parser.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS, metavar="N",
                        help=f"skip (and report) articles longer than N characters (default: {DEFAULT_MAX_CHARS:,})")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="do not show the progress bar")
    parser.set_defaults(handler=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    _require_paths(args.inputs)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    items = read_inputs(args.inputs, max_chars=args.max_chars)
    factory = functools.partial(default_extractor, max_chars=args.max_chars)
    result = run_extractor(items, workers=args.workers, factory=factory, progress=args.progress)
    if not result.read:
        print(f"{PROGRAM}: warning: no articles found in {', '.join(map(str, args.inputs))}", file=sys.stderr)
    tables = result.rows.to_tables()
    written = write_tables(tables, args.out, args.formats)
    print(summary(result, tables, args.out, written))
    return EXIT_FAILED if result.failed else EXIT_OK


def summary(result: RunResult, tables: Tables, out_dir: Path, written: list[Path]) -> str:
    """The few lines printed at the end of ``extract``."""
    counts = tables.summary()
    kinds = ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}"
                      for name in ("officials", "provinces", "agencies", "legal_documents"))
    formats = ", ".join(dict.fromkeys(path.suffix.lstrip(".") for path in written))
    lines = [
        f"Articles read: {result.read:,} ({result.read - result.failed:,} extracted, {result.failed:,} failed)",
        f"Found: {kinds}; {counts['mentions']:,} mentions",
        f"Tables ({formats}) written to {out_dir}",
    ]
    if result.failed:
        lines.append(f"Failures are listed in {out_dir / 'errors.csv'}" if "csv" in formats
                     else f"Failures are listed in the errors table in {out_dir}")
    return "\n".join(lines)


# --- vnextract evaluate -------------------------------------------------------------------


def add_evaluate(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "evaluate", help="score the extractor against gold annotations",
        description="Run the extractor over CORPUS (JSON Lines with id and text) and score it "
                    "against GOLD (the format of docs/annotation.md): precision, recall and F1 per kind.")
    parser.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold annotations")
    parser.add_argument("corpus", type=Path, metavar="CORPUS.jsonl", help="the articles' texts")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--workers", "-j", type=_positive_int, default=1, metavar="N",
                        help="processes running the extractor (default: 1)")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="do not show the progress bar")
    parser.set_defaults(handler=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, load_gold, predictions_from_tables

    _require_paths([args.gold, args.corpus])
    try:
        gold = load_gold(args.gold)
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the gold file: {error}") from None
    result = run_extractor(read_inputs([args.corpus]), workers=args.workers, progress=args.progress)
    for row in result.rows.errors:
        print(f"{PROGRAM}: warning: {row['article_id']}: {row['error']}", file=sys.stderr)
    evaluation = evaluate(gold, predictions_from_tables(result.rows.to_tables()))
    if args.json:
        print(json.dumps(evaluation.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(evaluation.report())
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------

def add_export(commands: argparse._SubParsersAction) -> None:
    from .export import add_parser  # openpyxl loads only when this subcommand is defined

    add_parser(commands)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_extract, add_evaluate, add_export]
"""Functions that add one subcommand each (``crawl`` and ``export`` come with their issues)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description="Extract officials, provinces, agencies and legal documents "
                                  "from Vietnamese news into tables.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits for --help (0) and usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"{PROGRAM} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RunError as error:
        print(f"{PROGRAM} {args.command}: error: {error}; no tables written", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"\n{PROGRAM}: interrupted; no tables written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _require_paths(paths: Iterable[Path]) -> None:
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"no such input: {', '.join(missing)}")


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _formats(text: str) -> tuple[str, ...]:
    try:
        return check_formats(text.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
