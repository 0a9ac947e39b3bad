"""The ``vnextract`` command line.

    vnextract extract INPUT... --out DIR [--workers N | --scheduler ADDRESS] [--batch-size N] [--force]
                      [--format csv,parquet] [--max-chars N]
    vnextract evaluate GOLD.jsonl CORPUS.jsonl [--json]
    vnextract export RESULTS_DIR [--xlsx FILE]
    vnextract crawl SEED... --archive FILE [--max-pages N] [--since DATE] [--delay S] [--warc FILE]

``extract`` streams: it reads the inputs lazily, extracts them in batches
on all cores (``--workers``) or on a Dask cluster (``--scheduler``), keeps
each finished batch in ``DIR/parts/``, and writes the tables from the parts
at the end (see :mod:`extract.runner`). Rerun the same command after an
interruption and it goes on where it stopped; ``--force`` redoes it all.

Exit codes: 0 when every article went through, 1 when some article failed
(the tables are still written; the failures are in ``errors``) or the run
could not go on, 2 for usage errors (bad arguments, an input path that does
not exist, a results folder in use or made with other settings), 130 when
interrupted.

Each subcommand is a function that adds its parser to :data:`COMMANDS`'s
list; new ones (``crawl``, ``export``) add theirs the same way.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterable

from .batch import DEFAULT_BATCH_SIZE
from .readers import DEFAULT_MAX_CHARS, read_inputs
from .runner import RunSummary, run_extractor
from .workers import RunError, default_extractor
from .writers import FORMATS, check_formats

PROGRAM = "vnextract"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- vnextract extract --------------------------------------------------------------------


def add_extract(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "extract", help="extract officials, provinces, agencies and legal documents into tables",
        description="Read articles (JSON Lines, .jsonl.gz, saved HTML pages, WARC files, crawl archives, "
                    "or folders of them) and write the tables of officials, provinces, agencies and legal "
                    "documents, and their roll-up across the articles. Rerunning the same command with the "
                    "same --out goes on where an interrupted run stopped.")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="a .jsonl/.jsonl.gz/.json file, an .html page, or a folder of them")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="DIR",
                        help="folder for the tables (created if missing)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", "-j", type=_positive_int, default=None, metavar="N",
                       help=f"local processes running the extractor (default: all cores, here "
                            f"{default_workers()}; 1 runs in this process)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster of this scheduler (tcp://host:8786); see docs/cluster.md")
    parser.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                        help=f"articles per batch, on average (default: {DEFAULT_BATCH_SIZE})")
    parser.add_argument("--force", action="store_true",
                        help="redo every article, even those an earlier run in --out finished")
    parser.add_argument("--format", dest="formats", type=_formats, default=FORMATS, metavar="LIST",
                        help=f"comma-separated output formats (default: {','.join(FORMATS)})")
    parser.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS, metavar="N",
                        help=f"skip (and report) articles longer than N characters (default: {DEFAULT_MAX_CHARS:,})")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="do not show the progress bar")
    parser.set_defaults(handler=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    from .manifest import FolderBusy, SettingsChanged
    from .progress import Progress
    from .runner import run_archive

    _require_paths(args.inputs)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    factory = functools.partial(default_extractor, max_chars=args.max_chars)
    items = read_inputs(args.inputs, max_chars=args.max_chars)
    try:
        with _executor(args, factory) as executor, Progress(args.inputs, enabled=args.progress) as progress:
            result = run_archive(items, args.out, executor, formats=args.formats, batch_size=args.batch_size,
                                 max_chars=args.max_chars, force=args.force, progress=progress)
    except FolderBusy as error:
        raise UsageError(str(error)) from None
    except SettingsChanged as error:
        raise UsageError(f"--out {args.out}: {error}; rerun with those settings to go on, or add --force "
                         f"to redo every article") from None
    except RunError as error:
        raise RunError(f"{error}; finished batches are kept in {args.out / 'parts'}: "
                       f"rerun the same command to go on") from error
    except KeyboardInterrupt:
        print(f"\n{PROGRAM}: finished batches are kept in {args.out / 'parts'}: rerun the same command "
              f"to go on", file=sys.stderr)
        raise
    if not result.read:
        print(f"{PROGRAM}: warning: no articles found in {', '.join(map(str, args.inputs))}", file=sys.stderr)
    print(summary(result))
    return EXIT_FAILED if result.failed else EXIT_OK


def _executor(args: argparse.Namespace, factory: Callable):
    from .workers import InlineExecutor, ProcessExecutor

    if args.scheduler:
        from .cluster import DaskExecutor

        return DaskExecutor(args.scheduler, factory)
    workers = args.workers or default_workers()
    return InlineExecutor(factory) if workers == 1 else ProcessExecutor(workers, factory)


def summary(result: RunSummary) -> str:
    """The few lines printed at the end of ``extract``."""
    counts = result.counts
    out_dir = result.out_dir
    kinds = ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}"
                      for name in ("officials", "provinces", "agencies", "legal_documents"))
    distinct = ", ".join(f"{counts[f'entity_{name}']:,} {label}" for name, label in (
        ("officials", "officials"), ("provinces", "provinces"), ("agencies", "agencies"),
        ("legal_documents", "legal documents")))
    formats = ", ".join(dict.fromkeys(path.suffix.lstrip(".") for path in result.written))
    lines = [
        f"Articles read: {result.read:,} ({result.read - result.failed:,} extracted, {result.failed:,} failed)",
        f"Found: {kinds}; {counts['mentions']:,} mentions",
        f"Distinct: {distinct}",
    ]
    if result.resumed:
        lines.append(f"Resumed: {result.resumed:,} articles were already done in {out_dir}; "
                     f"{result.extracted:,} extracted now")
    lines.append(f"Tables ({formats}) written to {out_dir}")
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


def add_crawl(commands: argparse._SubParsersAction) -> None:
    from .crawl.command import add_parser

    add_parser(commands)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_extract, add_evaluate, add_export, add_crawl]
"""Functions that add one subcommand each."""


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
        print(f"{PROGRAM} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"\n{PROGRAM}: interrupted", file=sys.stderr)
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
