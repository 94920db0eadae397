"""Deadlines of a case as the console shows them: which clock runs, and how close it is to running out.

The due times themselves are fixed when a case is created, by the sync engine from the category's limits
(``sync.dates``: the response limit in minutes round the clock, the resolution limit in working days, Monday to
Friday; public holidays are not modelled, a dispatcher extends a deadline that falls in one), and moved only by
an extension (延期, ``case.extend {until}``). This module does not compute them a second time.

- While a case awaits acceptance (``submitted``) the response clock runs; while it is being handled
  (``accepted``, ``dispatched``, ``in_progress``) the resolution clock runs; afterwards no clock runs.
- A clock turns amber ("warn") once less than ``deadline_warn_fraction`` of its window (from submission to the
  due time) is left, and red ("overdue") when the due time has passed. Each deadline carries its ``warn_at``
  instant, so browsers count down against the server's rule instead of repeating it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

AWAITING_RESPONSE = frozenset({"submitted"})
AWAITING_RESOLUTION = frozenset({"accepted", "dispatched", "in_progress"})


def parse_time(value: str) -> datetime:
    """An ISO 8601 instant as an aware UTC datetime (a trailing ``Z`` is accepted; naive means UTC)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    """UTC with milliseconds and ``Z``: the form the case record uses, so strings compare as instants."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


@dataclass(frozen=True)
class Deadline:
    """The clock a case is running against."""

    kind: str  # "response" or "resolution"
    due: datetime
    warn_at: datetime

    def state(self, now: datetime) -> str:
        """``ok``, ``warn`` (amber) or ``overdue`` (red) at ``now``."""
        if now >= self.due:
            return "overdue"
        return "warn" if now >= self.warn_at else "ok"

    def as_json(self, now: datetime) -> dict[str, str]:
        return {"kind": self.kind, "due": iso(self.due), "warn_at": iso(self.warn_at), "state": self.state(now)}


def running_deadline(status: str, submitted_at: str, response_due: str | None, resolution_due: str | None,
                     warn_fraction: float) -> Deadline | None:
    """The clock a case in ``status`` runs against (None once none runs, or when the due time is unknown)."""
    if status in AWAITING_RESPONSE:
        kind, due_text = "response", response_due
    elif status in AWAITING_RESOLUTION:
        kind, due_text = "resolution", resolution_due
    else:
        return None
    if not due_text:
        return None
    start, due = parse_time(submitted_at), parse_time(due_text)
    return Deadline(kind, due, due - (due - start) * warn_fraction)

