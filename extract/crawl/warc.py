"""WARC files, with warcio: the crawl writes them, ``extract`` reads them.

:class:`WarcOutput` appends a ``request`` and a ``response`` record for
every page the crawl fetched (``--warc out.warc.gz``; one gzip member per
record). The body is stored as received after content decoding, so the
response's ``Content-Encoding`` and ``Transfer-Encoding`` headers are
dropped and ``Content-Length`` set to the stored length. Opening a file
that a killed crawl left with a half-written last record first cuts that
record off, so the file stays readable.

:func:`read_warc` reads any WARC (the crawl's, or Common Crawl's CC-NEWS) as
article records: every HTML ``response`` (or ``resource``) with status 200
is parsed with :class:`~extract.html.HtmlParser`, its id the hash of its
canonical URL (as in the crawl archive), each canonical URL once. Pages
without an article (listings, error pages) and non-HTML records are passed
over; a page that breaks the parser, or a damaged file, is one
:class:`~extract.readers.ReadFailure`.
"""

from __future__ import annotations

import io
import zlib
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..pipeline import article_id
from ..readers import STAGE, ReadFailure, ReadOptions, check_record
from .fetcher import Response
from .seeds import article_url, canonical_url, sniff

_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class WarcOutput:
    """Appends request/response records to a WARC file (gzip-compressed when it ends in ``.gz``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.records = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        if not is_new:
            repair(self.path)
        self._file = open(self.path, "ab")
        self._writer = WARCWriter(self._file, gzip=self.path.name.lower().endswith(".gz"))
        if is_new:
            info = self._writer.create_warcinfo_record(self.path.name, {
                "software": f"vnextract/{__version__} (warcio)", "format": "WARC File Format 1.0"})
            self._writer.write_record(info)
            self._file.flush()

    def __repr__(self) -> str:
        return f"WarcOutput({str(self.path)!r}, {self.records} records written)"

    def __enter__(self) -> "WarcOutput":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def write(self, response: Response) -> None:
        """A request and a response record for ``response`` (its final URL)."""
        date = _warc_date(response.fetched_at)
        uri = response.final_url
        parts = urlsplit(uri)
        target = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
        request_headers = [(k, v) for k, v in response.request_headers if k.lower() != "host"]
        request = self._writer.create_warc_record(
            uri, "request", payload=io.BytesIO(b""), length=0, warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(f"GET {target} {response.http_version}",
                                          [("Host", parts.netloc), *request_headers], is_http_request=True))
        headers = [(k, v) for k, v in response.headers if k.lower() not in _DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(response.content))))
        reason = _reason(response.status)
        record = self._writer.create_warc_record(
            uri, "response", payload=io.BytesIO(response.content), length=len(response.content),
            warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(f"{response.status} {reason}", headers, protocol=response.http_version))
        request.rec_headers.add_header("WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID"))
        self._writer.write_record(request)
        self._writer.write_record(record)
        self._file.flush()
        self.records += 2


def repair(path: Path) -> int:
    """Cut off a half-written last record (a killed crawl); the number of bytes removed."""
    good_end = 0
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0):
                    break
                good_end = iterator.get_record_offset() + iterator.get_record_length()
        except (ArchiveLoadFailed, OSError, EOFError, ValueError):
            pass
    size = path.stat().st_size
    if good_end < size:
        with open(path, "r+b") as stream:
            stream.truncate(good_end)
    return size - good_end


def read_warc(path: str | Path, options: ReadOptions | None = None) -> Iterator[dict | ReadFailure]:
    """Article records of the HTML responses in a WARC file, and failures (see the module docstring)."""
    from ..html import HtmlParser, NoArticleError, decode_html

    path, options = Path(path), options or ReadOptions()
    parser = HtmlParser()
    seen: set[str] = set()
    number = 0
    try:
        with open(path, "rb") as stream:
            _check_start(stream)
            for number, page in enumerate(_html_pages(stream), start=1):
                if page is None:
                    continue
                uri, content, content_type, truncated = page
                where = f"{path} record {number} ({uri})"
                if truncated:
                    yield ReadFailure(_id_of(uri), STAGE, f"{where}: record is truncated")
                    continue
                try:
                    parsed = parser.parse(decode_html(content, declared=content_type), url=uri)
                except NoArticleError:
                    continue
                except Exception as error:  # noqa: BLE001 - one broken page must not stop a batch
                    yield ReadFailure(_id_of(uri), STAGE,
                                      f"{where}: cannot parse the page ({type(error).__name__}: {error})")
                    continue
                canonical = article_url(parsed.url, uri)
                if canonical in seen:
                    continue
                seen.add(canonical)
                record_id = _id_of(canonical)
                yield check_record({**parsed.to_record(record_id), "url": canonical}, where, record_id, options)
    except FileNotFoundError:
        yield ReadFailure(path.name, STAGE, f"{path}: no such file")
    except (_Damaged, OSError) as error:
        after = f" after record {number}" if number else ""
        yield ReadFailure(f"{path.name}:{number + 1}", STAGE, f"{path}: damaged WARC file{after}: {error}")


class _Damaged(Exception):
    """warcio could not read the next record."""


def _check_start(stream: BinaryIO) -> None:
    head = stream.read(2048)
    stream.seek(0)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error as error:
            raise _Damaged(f"broken gzip data: {error}") from None
    if not head.lstrip(b"\r\n").startswith(b"WARC/"):
        raise _Damaged(f"not a WARC file (it starts with {head[:16]!r})")


def _html_pages(stream: BinaryIO) -> Iterator[tuple[str, bytes, str | None, bool] | None]:
    """For each record, what :func:`_html_payload` makes of it; warcio's errors become :class:`_Damaged`."""
    records = iter(ArchiveIterator(stream))
    while True:
        try:
            record = next(records)
            page = _html_payload(record)
        except StopIteration:
            return
        except Exception as error:  # noqa: BLE001 - warcio raises many kinds on damaged input
            raise _Damaged(f"unreadable record (warcio: {type(error).__name__}: {error})") from None
        yield page


def warc_reader(path: Path, options: ReadOptions) -> Iterator[dict | ReadFailure]:
    """:func:`read_warc` as an input of ``vnextract extract`` (``extract.readers.READERS``)."""
    return read_warc(path, options)


def _html_payload(record: ArcWarcRecord) -> tuple[str, bytes, str | None, bool] | None:
    """(URI, body, content type, truncated) of an HTML response record, else None."""
    if record.rec_type not in ("response", "resource"):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    media = (content_type or "").split(";")[0].strip().lower()
    if media and media not in ("text/html", "application/xhtml+xml"):
        return None
    content = record.content_stream().read()
    truncated = bool(getattr(record.raw_stream, "limit", 0))
    if not media and sniff(content) != "html":
        return None
    return uri, content, content_type, truncated


def _id_of(url: str) -> str:
    return article_id({"url": canonical_url(url) or url})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _warc_date(fetched_at: str) -> str:
    moment = datetime.fromisoformat(fetched_at).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
