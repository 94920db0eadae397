"""Times as the case record keeps them: UTC ISO strings, local (China) dates, deadlines in working days.

Times are stored as ``2026-11-27T01:02:03.456Z``: fixed width, so they compare as strings. Dates people see
(the day in a case number, the day a deadline falls on) are China Standard Time, UTC+8 all year (no daylight
saving since 1991), so a fixed offset is exact and needs no time-zone database.

Resolution limits count working days, Monday to Friday. Public holidays and the weekend days worked in their
place (法定节假日、调休) are not modelled: a deadline that falls in a holiday is early by those days, and a
dispatcher extends it (``case.extend``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from time import gmtime

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


@lru_cache(maxsize=1024)
def iso(ms: int) -> str:
    """The UTC ISO string of ``ms`` milliseconds since the epoch."""
    t = gmtime(ms // 1000)  # several times faster than datetime.strftime, and this runs for every event
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
            f".{ms % 1000:03d}Z")


@lru_cache(maxsize=64)  # a push stamps all its reports with one server time: computed once per push
def local_day(ms: int) -> str:
    """The China date of ``ms`` as ``YYYYMMDD`` (the middle of a case number)."""
    return datetime.fromtimestamp(ms / 1000, CHINA).strftime("%Y%m%d")


def case_number(prefix: str, day: str, counter: int) -> str:
    """``BL20261127-0042``: the prefix, the local date it was reported, and that day's counter."""
    return f"{prefix}{day}-{counter:04d}"


@lru_cache(maxsize=256)
def response_due(created_ms: int, minutes: int) -> str:
    """When a case must be accepted: the response limit runs round the clock (urgent help within minutes)."""
    return iso(created_ms + minutes * 60_000)


def add_working_days(day: date, days: int) -> date:
    """The ``days``-th Monday-to-Friday day after ``day`` (``day`` itself never counts)."""
    if days <= 0:
        return day
    if day.weekday() >= 5:  # from a weekend, count from the Friday before: the next working day is Monday
        day -= timedelta(days=day.weekday() - 4)
    weeks, rest = divmod(days, 5)
    day += timedelta(weeks=weeks)
    weekday = day.weekday()
    return day + timedelta(days=rest + (2 if weekday + rest >= 5 else 0))


@lru_cache(maxsize=256)
def resolution_due(created_ms: int, working_days: int) -> str:
    """The same local time of day, ``working_days`` working days after the day the case was reported."""
    created = datetime.fromtimestamp(created_ms / 1000, CHINA)
    due = datetime.combine(add_working_days(created.date(), working_days), created.timetz())
    return iso(round(due.timestamp() * 1000))


def parse_until(text: str) -> str:
    """An extension's new deadline: an ISO datetime (with offset or ``Z``) or a date, meaning the end of that
    local day; raises ValueError otherwise."""
    if len(text) == 10:
        end = datetime.combine(date.fromisoformat(text), time(23, 59, 59, 999000), CHINA)
    else:
        end = datetime.fromisoformat(text)
        if end.tzinfo is None:
            raise ValueError("a time needs its offset")
    return iso(round(end.timestamp() * 1000))
