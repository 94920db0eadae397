"""Reading GeoReport v2 query parameters, and writing its datetimes (W3C, with the +08:00 of Asia/Shanghai).

Every bad value is an :class:`Open311Error` (400) naming the parameter, never an exception that escapes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping

from server.deadlines import iso, parse_time
from server.open311.formats import Open311Error
from sync.dates import CHINA

WINDOW = timedelta(days=90)  # the spec's default span, and the longest one a query may ask for
MAX_PAGE_SIZE = 1000  # the spec's default cap on results
MAX_IDS = 1000
_OPEN, _CLOSED = "open", "closed"


def w3c(stored: str | None) -> str | None:
    """A stored UTC time as W3C with the local offset: ``2026-11-20T09:30:00+08:00``."""
    if not stored:
        return None
    return parse_time(stored).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def iso_ago(seconds: float) -> str:
    """The stored form of the instant ``seconds`` ago."""
    return iso(datetime.now(timezone.utc) - timedelta(seconds=seconds))


def _instant(query: Mapping[str, str], name: str, end_of_day: bool) -> datetime | None:
    """A W3C datetime (a date alone is that local day); no offset means Asia/Shanghai."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            moment = datetime.combine(date.fromisoformat(raw), time.max if end_of_day else time.min, CHINA)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=CHINA)
        if not 1970 <= moment.year <= 9000:
            raise ValueError(raw)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise Open311Error(400, f"{name} 应为 W3C 日期时间，例如 2026-11-20T09:30:00+08:00") from None


def period(query: Mapping[str, str], now: datetime) -> tuple[str, str]:
    """``[start, end]`` as stored UTC strings: the spec's defaults (the last 90 days; 90 days from a start or up to
    an end given alone), and a span of at most 90 days."""
    start, end = _instant(query, "start_date", False), _instant(query, "end_date", True)
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date")
    if end - start > WINDOW + timedelta(days=1):  # a whole last day given as a date may reach just past 90 days
        raise Open311Error(400, "start_date 与 end_date 之间不能超过 90 天")
    return iso(start), iso(end)


def listed(query: Mapping[str, str], name: str, limit: int = MAX_IDS) -> list[str]:
    """A comma-separated parameter as its distinct non-empty items."""
    items = list(dict.fromkeys(x.strip() for x in (query.get(name) or "").split(",") if x.strip()))
    if len(items) > limit or any(len(x) > 64 for x in items):
        raise Open311Error(400, f"{name} 最多 {limit} 项，每项不超过 64 个字符")
    return items


def statuses(query: Mapping[str, str]) -> list[str]:
    wanted = listed(query, "status")
    if any(s not in (_OPEN, _CLOSED) for s in wanted):
        raise Open311Error(400, "status 只能是 open 或 closed（可用逗号分隔）")
    return wanted


def _positive(query: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9 or not 1 <= int(raw) <= maximum:
        raise Open311Error(400, f"{name} 应为 1–{maximum} 的整数")
    return int(raw)


@dataclass(frozen=True)
class Page:
    size: int
    number: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page(query: Mapping[str, str]) -> Page:
    """``page`` and ``page_size``, the common extension; a page holds at most the spec's 1,000 results."""
    return Page(_positive(query, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE), _positive(query, "page", 1, 1_000_000))
