"""Polite, bounded HTTP fetching with httpx.

:class:`Fetcher` asks each host at most one thing at a time, waits the
configured delay (or the robots.txt ``Crawl-delay``, or a ``Retry-After``,
whichever is longest) between two requests to it, obeys robots.txt
(protego; RFC 9309: a robots.txt that is missing or 4xx allows all, one that
cannot be fetched (5xx, network error) forbids all for this run), and
follows redirects itself so that every hop is checked: http(s) only, no
loop, at most ``max_redirects``, allowed by the target host's robots.txt.

Timeouts, connection errors, truncated bodies, 429 and 5xx are retried with
exponential backoff (``Retry-After`` wins when longer). A body is streamed
and abandoned as soon as it passes ``max_bytes`` (sitemaps and feeds: up to
the protocol's 50 MB), or announces more in ``Content-Length``; a content
type that is no page, sitemap or feed is refused before its body is read.

The testing seams are an injectable ``httpx.Client`` (or transport) and an
injectable :class:`Clock` for the waits.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from .. import __version__
from .seeds import canonical_url, origin_of

DEFAULT_USER_AGENT = f"vnextract/{__version__} (research crawler for Vietnamese news; obeys robots.txt)"
ROBOTS_MAX_BYTES = 512 * 1024
SITEMAP_MAX_BYTES = 50 << 20       # the sitemap protocol's own limit: sitemaps and feeds may be this large
XML_TYPES = frozenset({"application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
                       "application/rdf+xml", "application/x-gzip", "application/gzip"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPTED_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "application/xml", "text/xml", "application/rss+xml",
    "application/atom+xml", "application/rdf+xml", "application/x-gzip", "application/gzip", "text/plain",
    "application/octet-stream",
})
"""Media types read as a page, sitemap or feed; any other is refused before its body is read."""


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass(frozen=True)
class FetchConfig:
    """How to fetch: identity, limits, politeness and retries."""

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0             # seconds between two requests to one host (at least)
    timeout: float = 30.0          # seconds per connect/read; a whole response gets 4x this
    max_bytes: int = 10 << 20      # largest web page read (sitemaps and feeds: up to SITEMAP_MAX_BYTES)
    max_redirects: int = 5
    retries: int = 3               # extra attempts after a timeout, 429 or 5xx
    backoff: float = 1.0           # first retry wait; doubles with each attempt
    max_retry_after: float = 600.0  # a longer Retry-After gives up on the URL (it stays retryable)

    def __post_init__(self) -> None:
        for name in ("delay", "backoff", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")
        for name in ("timeout", "max_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if self.max_redirects < 0 or self.retries < 0:
            raise ValueError("max_redirects and retries must not be negative")
        if not self.user_agent.strip():
            raise ValueError("the user agent must not be empty")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Response:
    """A final HTTP response (after redirects); ``content`` is empty unless the status is 200."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    fetched_at: str
    request_headers: tuple[tuple[str, str], ...] = ()
    http_version: str = "HTTP/1.1"
    redirects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def retryable(self) -> bool:
        return self.status in RETRY_STATUSES

    def to_dict(self) -> dict:
        return {**asdict(self), "content": f"<{len(self.content)} bytes>"}

    def __repr__(self) -> str:
        return (f"Response({self.status} {self.final_url!r}, {len(self.content):,} bytes, "
                f"type={self.content_type!r}, redirects={len(self.redirects)})")


class FetchError(Exception):
    """A URL that could not be fetched; ``retryable`` when a later run may succeed."""

    def __init__(self, url: str, reason: str, retryable: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.retryable = url, reason, retryable


class Disallowed(FetchError):
    """robots.txt forbids the URL (or a URL it redirects to)."""


class RobotsStore(Protocol):
    """Keeps robots.txt bodies between runs (the archive does)."""

    def get_robots(self, origin: str) -> str | None: ...
    def put_robots(self, origin: str, status: int, body: str) -> None: ...


class Fetcher:
    """Fetches URLs politely; use as a context manager (it closes the client it made, not one given)."""

    def __init__(self, config: FetchConfig | None = None, client: httpx.Client | None = None,
                 clock: Clock | None = None, robots_store: RobotsStore | None = None):
        self.config = config or FetchConfig()
        self.clock = clock or SystemClock()
        self.robots_store = robots_store
        self._owns_client = client is None
        self.client = client if client is not None else make_client(self.config)
        self._robots: dict[str, Protego] = {}          # by origin (scheme, host, port), as RFC 9309 says
        self._next_request: dict[str, float] = {}      # by host name: clock time before which it is not asked

    def __repr__(self) -> str:
        return (f"Fetcher(user_agent={self.config.user_agent!r}, delay={self.config.delay}, "
                f"timeout={self.config.timeout}, max_bytes={self.config.max_bytes:,}, hosts={len(self._next_request)})")

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # --- robots.txt ---------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this crawler fetch ``url`` (fetching robots.txt once per host)."""
        origin = origin_of(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
            self._defer(url, self.crawl_delay(url))     # its Crawl-delay counts from the robots.txt request
        return self._robots[origin].can_fetch(url, self.config.user_agent)

    def crawl_delay(self, url: str) -> float:
        """The wait between two requests to ``url``'s host: the configured delay or robots' Crawl-delay."""
        robots = self._robots.get(origin_of(url))
        robots_delay = robots.crawl_delay(self.config.user_agent) if robots else None
        return max(self.config.delay, float(robots_delay or 0))

    def _load_robots(self, origin: str) -> Protego:
        stored = self.robots_store.get_robots(origin) if self.robots_store else None
        if stored is not None:
            return Protego.parse(stored)
        url = f"{origin}/robots.txt"
        try:
            response = self._follow(url, limit=ROBOTS_MAX_BYTES, check_type=False, check_robots=False)
        except FetchError:
            return Protego.parse("User-agent: *\nDisallow: /\n")      # unreachable: disallow, this run only
        if response.status == 200:
            body = response.content.decode("utf-8", errors="replace")
        elif 400 <= response.status < 500:
            body = ""                                                 # unavailable: allow all
        else:
            return Protego.parse("User-agent: *\nDisallow: /\n")
        if self.robots_store:
            self.robots_store.put_robots(origin, response.status, body)
        return Protego.parse(body)

    # --- fetching -----------------------------------------------------------------------

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """The final response for ``url`` (200 with its body, 304, or an error status after retries).

        Raises :class:`FetchError` for what has no response: a URL that is no
        http(s), a redirect loop or too many redirects, a redirect to a page
        robots.txt forbids, a refused content type, a body over ``max_bytes``,
        or a timeout / connection failure after every retry.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers=headers)

    def _follow(self, url: str, headers: dict | None = None, limit: int | None = None, check_type: bool = True,
                check_robots: bool = True) -> Response:
        """Request ``url`` and follow its redirects; ``limit`` overrides the body limit of its content type."""
        hops: list[str] = []
        current = url
        while True:
            if canonical_url(current) is None:
                raise FetchError(url, f"not an http(s) URL: {current!r}")
            if check_robots and not self.allowed(current):
                where = f"redirected to {current}, which" if hops else "it"
                raise Disallowed(url, f"robots.txt disallows {where}")
            response = self._with_retries(current, headers or {}, limit, check_type)
            location = response.header("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return Response(url=url, final_url=current, status=response.status, headers=response.headers,
                                content=response.content, fetched_at=response.fetched_at,
                                request_headers=response.request_headers, http_version=response.http_version,
                                redirects=tuple(hops))
            hops.append(current)
            current = urljoin(current, location.strip())
            if canonical_url(current) in {canonical_url(hop) for hop in hops}:
                raise FetchError(url, f"redirect loop: {' → '.join([*hops, current])}")
            if len(hops) > self.config.max_redirects:
                raise FetchError(url, f"more than {self.config.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict, limit: int | None, check_type: bool) -> Response:
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            self._wait_turn(url)
            try:
                response = self._request(url, headers, limit, check_type)
            except (httpx.TimeoutException, httpx.TransportError, _Truncated) as error:
                if last:
                    raise FetchError(url, f"{_describe(error)} (after {attempts} attempts)", retryable=True) from None
                self._defer(url, self._backoff(attempt))
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as error:      # an undecodable body, a URL httpx refuses
                raise FetchError(url, f"{type(error).__name__}: {error}") from None
            if response.status not in RETRY_STATUSES or last:
                return response
            wait = max(self._backoff(attempt), _retry_after(response.header("retry-after")) or 0)
            self._defer(url, min(wait, self.config.max_retry_after))
            if wait > self.config.max_retry_after:
                return response      # the server asks for longer than we wait: the URL stays retryable
        raise AssertionError("unreachable")

    def _request(self, url: str, headers: dict, limit: int | None, check_type: bool) -> Response:
        deadline = time.monotonic() + 4 * self.config.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                meta = dict(url=url, final_url=url, status=response.status_code,
                            headers=tuple(response.headers.multi_items()), fetched_at=_now(),
                            request_headers=tuple(response.request.headers.multi_items()),
                            http_version=response.http_version)
                if response.status_code != 200:
                    _drain(response)
                    return Response(content=b"", **meta)
                max_bytes = limit or self.config.max_bytes
                if limit is None and _media_type(response) in XML_TYPES:
                    max_bytes = max(max_bytes, SITEMAP_MAX_BYTES)
                _check_headers(url, response, max_bytes, check_type)
                return Response(content=_read_capped(url, response, max_bytes, deadline), **meta)
        finally:
            self._next_request[_host_name(url)] = self.clock.monotonic() + self.crawl_delay(url)

    def _wait_turn(self, url: str) -> None:
        wait = self._next_request.get(_host_name(url), 0.0) - self.clock.monotonic()
        if wait > 0:
            self.clock.sleep(wait)

    def _defer(self, url: str, seconds: float) -> None:
        host = _host_name(url)
        self._next_request[host] = max(self._next_request.get(host, 0.0), self.clock.monotonic() + seconds)

    def _backoff(self, attempt: int) -> float:
        return self.config.backoff * 2 ** attempt



def make_client(config: FetchConfig, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The httpx client the fetcher uses: our User-Agent, timeouts, no automatic redirects."""
    return httpx.Client(
        headers={"User-Agent": config.user_agent, "Accept-Language": "vi,en;q=0.5",
                 "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        timeout=httpx.Timeout(config.timeout), follow_redirects=False, transport=transport, trust_env=False)


class _Truncated(Exception):
    """The connection closed before the body was complete (retried)."""


def _check_headers(url: str, response: httpx.Response, max_bytes: int, check_type: bool) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(url, f"body of {int(length):,} bytes is over the limit of {max_bytes:,} (--max-bytes)")
    media = _media_type(response)
    if check_type and media and media not in ACCEPTED_TYPES:
        raise FetchError(url, f"content type {media!r} is no web page, sitemap or feed")


def _drain(response: httpx.Response, limit: int = 64 * 1024) -> None:
    """Read a small error or redirect body, so that the connection can serve the next request."""
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                return
    except httpx.HTTPError:
        pass


def _host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _media_type(response: httpx.Response) -> str:
    return (response.headers.get("content-type") or "").split(";")[0].strip().lower()


def _read_capped(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, f"body is over the limit of {max_bytes:,} bytes (--max-bytes); "
                                      "stopped reading")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the whole response took too long")
            chunks.append(chunk)
    except httpx.RemoteProtocolError as error:
        raise _Truncated(f"truncated body: {error}") from None
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    return str(error) or type(error).__name__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
