"""Statistics of case handling, computed from what the event log says happened to each case.

The population of every metric is the set P of cases *submitted* in the period ``[from, to]`` (local dates,
both inclusive), minus cases merged into another (``duplicate``: they are counted once, on the case they were
merged into) and cases the resident withdrew (``withdrawn``: nobody was asked to act). Each metric is then
computed per group (site, community, category, team or day of submission) and for all of P.

- ``response_ontime_rate`` 按时响应率: numerator — cases of P whose first response (acceptance or rejection,
  whichever came first) was at or before their response due time; denominator — cases of P that have been
  responded to, plus cases of P not yet responded to whose response due time has passed (they are late
  already). Cases still inside their response window without a response are in neither.
- ``resolution_rate`` 办结率: numerator — cases of P whose current status is ``resolved`` or ``closed``;
  denominator — cases of P that were accepted (current status neither ``submitted`` nor ``rejected``).
- ``resolution_ontime_rate`` 按期办结率: numerator — cases in the numerator of 办结率 whose last resolution was
  at or before their resolution due time (as extended, 延期); denominator — the numerator of 办结率.
- ``satisfaction_rate`` 满意率: numerator — cases of P whose latest rating is ``satisfied`` (满意) or
  ``basically`` (基本满意); denominator — cases of P that have a rating.
- ``rework_rate`` 返工率: numerator — cases of P reopened at least once after a resolution (an unsatisfied
  rating or a staff reopen, 返工); denominator — cases of P that were resolved at least once.
- ``median_response_minutes``: the median, over cases of P that have been responded to, of the minutes from
  submission to first response.
- ``median_resolution_hours``: the median, over the numerator of 办结率, of the hours from submission to last
  resolution.

A rate whose denominator is 0 is ``None`` (shown as "—"), never 0 % or 100 %.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from statistics import median
from typing import Any, Iterable

from server import spreadsheet
from server.deadlines import parse_time

GROUPINGS = ("site", "community", "category", "team", "day")
EXCLUDED = frozenset({"duplicate", "withdrawn"})
RESOLVED = frozenset({"resolved", "closed"})
NOT_ACCEPTED = frozenset({"submitted", "rejected"})
CONTENT = frozenset({"satisfied", "basically"})
NO_TEAM = "（未派遣）"

METRICS = ("response_ontime_rate", "resolution_rate", "resolution_ontime_rate", "satisfaction_rate",
           "rework_rate", "median_response_minutes", "median_resolution_hours")
METRIC_NAMES = {
    "response_ontime_rate": "按时响应率", "resolution_rate": "办结率", "resolution_ontime_rate": "按期办结率",
    "satisfaction_rate": "满意率", "rework_rate": "返工率", "median_response_minutes": "响应时长中位数（分钟）",
    "median_resolution_hours": "办结时长中位数（小时）",
}


@dataclass(frozen=True)
class CaseFacts:
    """What the statistics need to know about one case; times are ISO UTC strings."""

    id: str
    site: str
    community: str
    category: str
    team: str | None
    status: str
    submitted_at: str
    response_due: str | None
    resolution_due: str | None
    first_response_at: str | None = None
    last_resolved_at: str | None = None
    times_resolved: int = 0
    reworks: int = 0
    rating: str | None = None


@dataclass
class Tally:
    """Numerators and denominators of one group, and the durations whose medians are reported."""

    cases: int = 0
    responded_ontime: int = 0
    response_judged: int = 0
    resolved: int = 0
    accepted: int = 0
    resolved_ontime: int = 0
    content: int = 0
    rated: int = 0
    reworked: int = 0
    ever_resolved: int = 0
    response_minutes: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)

    def add(self, c: CaseFacts, now: str) -> None:
        self.cases += 1
        if c.first_response_at is not None:
            self.response_judged += 1
            if c.response_due is not None and c.first_response_at <= c.response_due:
                self.responded_ontime += 1
            self.response_minutes.append(_minutes(c.submitted_at, c.first_response_at))
        elif c.response_due is not None and c.response_due <= now:
            self.response_judged += 1
        if c.status not in NOT_ACCEPTED:
            self.accepted += 1
        if c.status in RESOLVED and c.last_resolved_at is not None:
            self.resolved += 1
            if c.resolution_due is not None and c.last_resolved_at <= c.resolution_due:
                self.resolved_ontime += 1
            self.resolution_hours.append(_minutes(c.submitted_at, c.last_resolved_at) / 60)
        if c.rating is not None:
            self.rated += 1
            self.content += c.rating in CONTENT
        if c.times_resolved > 0:
            self.ever_resolved += 1
            self.reworked += c.reworks > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "response_ontime_rate": _rate(self.responded_ontime, self.response_judged),
            "resolution_rate": _rate(self.resolved, self.accepted),
            "resolution_ontime_rate": _rate(self.resolved_ontime, self.resolved),
            "satisfaction_rate": _rate(self.content, self.rated),
            "rework_rate": _rate(self.reworked, self.ever_resolved),
            "median_response_minutes": _median(self.response_minutes),
            "median_resolution_hours": _median(self.resolution_hours),
            "counts": {
                "responded_ontime": self.responded_ontime, "response_judged": self.response_judged,
                "resolved": self.resolved, "accepted": self.accepted, "resolved_ontime": self.resolved_ontime,
                "content": self.content, "rated": self.rated, "reworked": self.reworked,
                "ever_resolved": self.ever_resolved,
            },
        }


def _minutes(start: str, end: str) -> float:
    return (parse_time(end) - parse_time(start)).total_seconds() / 60


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def _median(values: list[float]) -> float | None:
    return None if not values else round(median(values), 1)


def local_day(moment: str, tz: tzinfo) -> date:
    return parse_time(moment).astimezone(tz).date()


def group_key(c: CaseFacts, by: str, tz: tzinfo) -> str:
    if by == "day":
        return local_day(c.submitted_at, tz).isoformat()
    value = getattr(c, by)
    return value if value else NO_TEAM


def compute(cases: Iterable[CaseFacts], by: str, start: date, end: date, tz: tzinfo,
            now: datetime) -> dict[str, Any]:
    """Every metric per group and in total over the cases submitted from ``start`` to ``end`` (local dates)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    now_text = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    total, groups = Tally(), {}
    for c in cases:
        if c.status in EXCLUDED or not (start <= local_day(c.submitted_at, tz) <= end):
            continue
        total.add(c, now_text)
        groups.setdefault(group_key(c, by, tz), Tally()).add(c, now_text)
    if by == "day":
        # Every day of the period gets a row, so a trend line shows a quiet day as zero rather than skipping it.
        for offset in range((end - start).days + 1):
            groups.setdefault(date.fromordinal(start.toordinal() + offset).isoformat(), Tally())
    return {
        "from": start.isoformat(), "to": end.isoformat(), "by": by,
        "total": total.as_json(),
        "groups": [{"key": key, **groups[key].as_json()} for key in sorted(groups)],
    }


def to_csv(result: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """The statistics as CSV for Excel (``server.spreadsheet``: a BOM, and no group name read as a formula)."""
    labels = labels or {}
    lines: list[list[Any]] = [["分组", "名称", "案件数", *(METRIC_NAMES[m] for m in METRICS)]]
    for row in [*result["groups"], {"key": "合计", **result["total"]}]:
        cells = []
        for m in METRICS:
            value = row[m]
            cells.append("" if value is None else (f"{value * 100:.1f}%" if m.endswith("_rate") else value))
        lines.append([row["key"], labels.get(row["key"], row["key"]), row["cases"], *cells])
    return spreadsheet.to_csv(lines)
