"""Read article records from files: JSON Lines (plain or gzip) and saved HTML pages.

:func:`read_inputs` turns paths into a lazy stream of article records (plain
dicts, in the input format of ../shared/docs/tables.md) and
:class:`ReadFailure` items. Bad input never stops the stream and never costs
a good article: a broken line, a line that is not UTF-8, an article without
text or one too long, an HTML page without an article, a missing or
unreadable file each give exactly one ``ReadFailure`` naming the file (and
the line), and reading goes on with the next line or file.

Every record leaves with an ``id``: its own, else the SHA-1 of its canonical
URL, else ``"<file stem>:<line>"``; an HTML page's id is its file name
without the extension. Text is passed through as read; the Extractor
normalises it.

New input formats (WARC files, the crawl archive) plug in through
:data:`READERS`: a reader takes a path and :class:`ReadOptions` and yields
records and failures.
"""

from __future__ import annotations

import functools

import gzip
import hashlib
import json
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from .html import HtmlParser

STAGE = "read"
TEXT_FIELDS = ("title", "lead", "text", "body")
DEFAULT_MAX_CHARS = 2_000_000
_TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "zarsrc")


@dataclass(frozen=True)
class ReadFailure:
    """One article or file that could not be read, and why."""

    article_id: str
    stage: str
    error: str

    def to_row(self) -> dict:
        """The row of the ``errors`` table."""
        return asdict(self)


@dataclass(frozen=True)
class ReadOptions:
    """Limits shared by every reader.

    ``max_chars`` bounds an article's text (title, lead and body together).
    ``max_line_bytes`` bounds a JSON line read into memory before parsing;
    by default room for ``max_chars`` characters written as ``\\uXXXX``
    escapes plus 64 MiB of other fields, so an article is normally refused
    by its text length, under its own id.
    """

    max_chars: int = DEFAULT_MAX_CHARS
    max_line_bytes: int | None = None

    @functools.cached_property
    def html_parser(self) -> "HtmlParser":
        """One page parser for the whole read: its site profiles load once."""
        from .html import HtmlParser

        return HtmlParser()

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be at least 1, not {self.max_chars}")
        if self.max_line_bytes is not None and self.max_line_bytes < 1:
            raise ValueError(f"max_line_bytes must be at least 1, not {self.max_line_bytes}")

    @property
    def line_limit(self) -> int:
        return self.max_line_bytes or 6 * self.max_chars + (64 << 20)


Reader = Callable[[Path, ReadOptions], Iterator["dict | ReadFailure"]]


def read_inputs(paths: Iterable[Path], max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[dict | ReadFailure]:
    """Records and failures from files and directories, lazily, in order.

    A directory gives its supported files (recursively, sorted by path,
    hidden ones skipped); a file is read by the reader of its suffix.
    """
    options = ReadOptions(max_chars=max_chars)
    for path in map(Path, paths):
        if path.is_dir():
            for child in supported_files(path):
                yield from read_file(child, options)
        else:
            yield from read_file(path, options)


def supported_files(directory: Path) -> list[Path]:
    """The files under ``directory`` that a reader of :data:`READERS` accepts, sorted."""
    found = []
    for child in directory.rglob("*"):
        hidden = any(part.startswith(".") for part in child.relative_to(directory).parts)
        if not hidden and child.is_file() and reader_for(child) is not None:
            found.append(child)
    return sorted(found)


def read_file(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """Records and failures of one file; an unknown type or a missing file is one failure."""
    reader = reader_for(path)
    if reader is None:
        known = ", ".join(READERS)
        yield ReadFailure(path.name, STAGE, f"{path}: unknown file type (known: {known})")
    elif not path.is_file():
        yield ReadFailure(path.name, STAGE, f"{path}: no such file")
    else:
        yield from reader(path, options)


def reader_for(path: Path) -> Reader | None:
    """The reader of the longest suffix in :data:`READERS` that ends ``path``'s name."""
    suffix = _reader_suffix(path)
    return READERS[suffix] if suffix else None


def file_stem(path: Path) -> str:
    """The file name without its reader suffix: ``a.jsonl.gz`` → ``a``."""
    suffix = _reader_suffix(path)
    return path.name[: -len(suffix)] if suffix else path.stem


def _reader_suffix(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return None


# --- JSON Lines --------------------------------------------------------------------------


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """One record per line of a ``.jsonl``/``.json`` file, gzip-compressed or not.

    The file is read as bytes and each line decoded on its own, so a line
    that is not UTF-8 costs only that line. Blank lines are skipped.
    """
    line_number = 0
    try:
        with _open_bytes(path) as stream:
            for line_number, line in _numbered_lines(stream, options.line_limit):
                where = f"{path} line {line_number}"
                fallback_id = f"{path.name}:{line_number}"
                if line is None:
                    yield ReadFailure(fallback_id, STAGE,
                                      f"{where}: line longer than {options.line_limit:,} bytes, skipped")
                    continue
                if not line.strip():
                    continue
                yield _parse_line(line, where, fallback_id, f"{file_stem(path)}:{line_number}", options)
    except (OSError, EOFError, zlib.error) as error:
        where = f"{path} after line {line_number}" if line_number else str(path)
        yield ReadFailure(f"{path.name}:{line_number + 1}", STAGE, f"{where}: cannot read file: {error}")


def _open_bytes(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _numbered_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over ``limit`` bytes (the rest is skipped)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield number, None
        else:
            yield number, line


def _parse_line(line: bytes, where: str, fallback_id: str, default_id: str,
                options: ReadOptions) -> dict | ReadFailure:
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return ReadFailure(fallback_id, STAGE, f"{where}: not UTF-8 ({error.reason} at byte {error.start})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return ReadFailure(fallback_id, STAGE,
                           f"{where}: not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno})")
    except RecursionError:
        return ReadFailure(fallback_id, STAGE, f"{where}: not valid JSON (nested too deeply)")
    if not isinstance(value, dict):
        return ReadFailure(fallback_id, STAGE,
                           f"{where}: expected a JSON object, found {_json_kind(value)}")
    return check_record(value, where, default_id, options, fallback_id=fallback_id)


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


# --- records -----------------------------------------------------------------------------


def check_record(record: dict, where: str, default_id: str, options: ReadOptions,
                 fallback_id: str | None = None) -> dict | ReadFailure:
    """The record with its ``id`` set, or the failure that keeps it out.

    ``default_id`` is used when the record has neither an id nor a URL;
    ``fallback_id`` names the failure when the id itself is unusable.
    """
    raw_id = record.get("id")
    if isinstance(raw_id, (dict, list, bool)):
        return ReadFailure(fallback_id or default_id, STAGE,
                           f"{where}: field 'id' must be a string or a number, found {_json_kind(raw_id)}")
    article_id = str(raw_id).strip() if raw_id is not None else ""
    if not article_id:
        url = record.get("url")
        article_id = url_article_id(url) if isinstance(url, str) and url.strip() else default_id
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return ReadFailure(article_id, STAGE,
                               f"{where}: field '{name}' must be a string, found {_json_kind(value)}")
    n_chars = sum(len(record.get(name) or "") for name in TEXT_FIELDS)
    if not any((record.get(name) or "").strip() for name in TEXT_FIELDS):
        return ReadFailure(article_id, STAGE, f"{where}: article has no text (title, lead and body are empty)")
    if n_chars > options.max_chars:
        return ReadFailure(article_id, STAGE,
                           f"{where}: article has {n_chars:,} characters, more than the limit of "
                           f"{options.max_chars:,} (--max-chars)")
    return {**record, "id": article_id}


def canonical_url(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port, fragment and tracking parameters dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PARAMETERS)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def url_article_id(url: str) -> str:
    """The stable id of an article known by its URL: SHA-1 (hex) of the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


# --- HTML --------------------------------------------------------------------------------


def read_html(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """The article of one saved HTML page; its id is the file name without the extension."""
    from .html import NoArticleError

    article_id = file_stem(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        yield ReadFailure(article_id, STAGE, f"{path}: cannot read file: {error}")
        return
    try:
        record = options.html_parser.parse(data).to_record(article_id)
    except NoArticleError as error:
        yield ReadFailure(article_id, STAGE, f"{path}: no article in the page ({error})")
        return
    except Exception as error:  # noqa: BLE001 - one broken page must not stop a batch
        yield ReadFailure(article_id, STAGE, f"{path}: cannot parse the page ({type(error).__name__}: {error})")
        return
    yield check_record({**record, "id": article_id}, str(path), article_id, options)


def read_warc_file(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """WARC files (the crawl's --warc output, Common Crawl's CC-NEWS): one record per HTML article."""
    from .crawl.warc import warc_reader

    return warc_reader(path, options)


def read_crawl_archive(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """The articles stored in a ``vnextract crawl`` archive (SQLite)."""
    from .crawl.archive import archive_reader

    return archive_reader(path, options)


READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".json": read_jsonl,
    ".json.gz": read_jsonl,
    ".html": read_html,
    ".htm": read_html,
    ".warc": read_warc_file,
    ".warc.gz": read_warc_file,
    ".sqlite": read_crawl_archive,
    ".sqlite3": read_crawl_archive,
    ".db": read_crawl_archive,
}
"""File-name suffix (lower case) → reader. The longest matching suffix wins."""
