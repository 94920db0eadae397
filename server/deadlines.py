"""Deadlines of a case: when it must be responded to (accepted) and resolved, and how close each one is.

Rules (DESIGN, "Case lifecycle"; limits come from the case's category):

- Response: the clock runs from submission; the case is due ``response_limit_minutes`` later, counted in
  wall-clock minutes, nights and weekends included (a resident asking for help at 22:00 on Sunday still
  expects an answer within ten minutes).
- Resolution: ``resolution_limit_days`` working days. Counting starts on the working day after the day of
  submission and the case is due at the end (24:00 local time) of the last of them, the way "N 个工作日内办结"
  is read in 12345 practice: submitted Friday 15:00 with a 2-day limit → due Tuesday 24:00.
- Working days are Monday to Friday in the subdistrict's time zone, corrected by the ``calendar_days`` table
  (public holidays are days off, 调休 make-up weekends are working days) when the admin has filled it in.
- An extension (延期, ``case.extend {until}``) replaces the resolution due time with ``until``.

A deadline turns amber ("warn") once less than ``deadline_warn_fraction`` of its window is left, and red
("overdue") when it has passed. Each deadline carries its ``warn_at`` instant so that browsers count down
against the server's rule instead of repeating it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Mapping

# Status groups: which clock is running. Once resolved (or ended another way) no clock runs.
AWAITING_RESPONSE = frozenset({"submitted"})
AWAITING_RESOLUTION = frozenset({"accepted", "dispatched", "in_progress"})


def is_working_day(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """Monday–Friday, unless ``overrides`` (date → is a working day) says otherwise for that date."""
    if overrides and day in overrides:
        return overrides[day]
    return day.weekday() < 5


def response_due(submitted_at: datetime, limit_minutes: int) -> datetime:
    """When a case submitted at ``submitted_at`` must have been accepted."""
    return submitted_at + timedelta(minutes=limit_minutes)


def resolution_due(submitted_at: datetime, limit_days: int, tz: tzinfo,
                   overrides: Mapping[date, bool] | None = None) -> datetime:
    """The end of the ``limit_days``-th working day after the local day of submission, as an aware datetime."""
    if limit_days < 1:
        raise ValueError("resolution limit must be at least one working day")
    day = submitted_at.astimezone(tz).date()
    counted = 0
    while counted < limit_days:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)


def warn_at(start: datetime, due: datetime, warn_fraction: float) -> datetime:
    """The instant after which less than ``warn_fraction`` of the window from ``start`` to ``due`` is left."""
    return due - (due - start) * warn_fraction


@dataclass(frozen=True)
class Deadline:
    """One running clock of a case."""

    kind: str  # "response" or "resolution"
    due: datetime
    warn_at: datetime

    def state(self, now: datetime) -> str:
        """``ok``, ``warn`` (amber) or ``overdue`` (red)."""
        if now >= self.due:
            return "overdue"
        return "warn" if now >= self.warn_at else "ok"

    def as_json(self, now: datetime) -> dict[str, str]:
        return {"kind": self.kind, "due": iso(self.due), "warn_at": iso(self.warn_at), "state": self.state(now)}


def running_deadline(status: str, submitted_at: datetime, response_due_at: datetime,
                     resolution_due_at: datetime, warn_fraction: float) -> Deadline | None:
    """The clock a case in ``status`` is running against, or None once it no longer runs."""
    if status in AWAITING_RESPONSE:
        return Deadline("response", response_due_at, warn_at(submitted_at, response_due_at, warn_fraction))
    if status in AWAITING_RESOLUTION:
        return Deadline("resolution", resolution_due_at,
                        warn_at(submitted_at, resolution_due_at, warn_fraction))
    return None


def parse_time(value: str) -> datetime:
    """An ISO 8601 instant as an aware UTC datetime (a trailing ``Z`` is accepted; naive means UTC)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    """UTC, millisecond precision, ``Z``: the form the storage layer writes, so strings sort as instants."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
