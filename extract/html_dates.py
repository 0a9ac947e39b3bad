"""Publication dates of Vietnamese news pages, as ISO 8601 in Vietnam time.

Pages give dates in two kinds of places: machine-readable metadata
(JSON-LD, ``<meta>``, ``<time datetime>``), parsed by :func:`parse_iso_date`,
and the visible text ("15:00 | 03/10/2023", "Thứ hai, 5/3/2020, 08:00
(GMT+7)", "07-03-2026 - 00:01 AM"), parsed by :func:`parse_page_date`.
Visible dates are always day-first. A date without an offset is Vietnam
time (+07:00), and every result is expressed in +07:00 so that the
``published`` column sorts and compares as plain strings.

The fixed numeric shapes Vietnamese newsrooms use are read by a small
regular-expression parser; only other wordings fall back to dateparser
(``languages=["vi"]``, day-first), which is slower and imported lazily.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

_ISO = re.compile(
    r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})(?!\d)")
_YEAR_FIRST = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)")
_WORDED = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+năm\s+(?P<year>\d{4})", re.IGNORECASE
)
_TIME = re.compile(
    r"(?<![\d:])(?P<hour>\d{1,2})\s*(?::|h)\s*(?P<minute>\d{2})(?!\d)(?:\s*:\s*(?P<second>\d{2}))?"
    r"(?:\s*(?P<half>AM|PM|SA|CH)\b)?",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?", re.IGNORECASE)
_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_AFTERNOON = {"pm", "ch"}


def to_iso(moment: datetime) -> str:
    """``moment`` in Vietnam time, to the second: ``2023-10-03T15:00:00+07:00``."""
    return moment.astimezone(VIETNAM_TIME).isoformat(timespec="seconds")


def parse_iso_date(value: str) -> str | None:
    """An ISO-like metadata date, or None.

    Accepts what news sites emit: ``2025-10-11T10:02:08+0700``,
    ``2026-03-07T08:52:11.000 +07:00``, ``2026-03-07T00:01:00`` (Vietnam
    time), ``2026-03-07 08:07``, ``2026-03-07``, a trailing ``Z``.
    """
    match = _ISO.match(value)
    if not match:
        return None
    offset = match["offset"]
    zone = VIETNAM_TIME if offset is None else _offset_zone(offset)
    return _build(match["year"], match["month"], match["day"], match["hour"], match["minute"],
                  match["second"], zone)


def parse_page_date(text: str) -> str | None:
    """A date written in page text (day-first, Vietnam time unless a GMT offset is given), or None."""
    text = " ".join(text.split())
    if not text:
        return None
    iso = parse_iso_date(text)
    if iso:
        return iso
    date = _DAY_FIRST.search(text) or _WORDED.search(text) or _YEAR_FIRST.search(text)
    if date is None:
        # Only absolute dates: "2 giờ trước" is no publication date without the crawl time.
        return _parse_with_dateparser(text) if _A_YEAR.search(text) else None
    rest = _blank(text, date)
    offset = _OFFSET.search(rest)
    zone = VIETNAM_TIME
    if offset:
        zone = _offset_zone(f"{offset['sign']}{int(offset['hours']):02d}{offset['minutes'] or '00'}")
        rest = _blank(rest, offset)
    time = _TIME.search(rest)
    hour = minute = second = None
    if time:
        hour, minute, second = int(time["hour"]), time["minute"], time["second"]
        half = (time["half"] or "").lower()
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half in _AFTERNOON else 0)
    return _build(date["year"], date["month"], date["day"], hour, minute, second, zone)


def _blank(text: str, match: re.Match) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _offset_zone(offset: str) -> timezone:
    if offset.upper() == "Z":
        return timezone.utc
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(year, month, day, hour, minute, second, zone: timezone) -> str | None:
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          tzinfo=zone)
    except ValueError:
        return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return to_iso(moment)


def _parse_with_dateparser(text: str) -> str | None:
    import dateparser  # slow to import; only needed for worded dates

    settings = {
        "DATE_ORDER": "DMY",
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DATES_FROM": "past",
    }
    moment = dateparser.parse(text, languages=["vi"], settings=settings)
    if moment is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return to_iso(moment)
