"""The statistics report behind ``/api/stats`` and ``/api/stats.csv``: the period and grouping a request asks
for, the facts read from storage, the metrics of :mod:`server.stats`, and display names for the groups."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from server import stats
from server.cases import local_day_bounds, parse_day, zone
from server.errors import ApiError
from server.settings import Config
from server.storage import Database, case_reads

DEFAULT_DAYS = 30
MAX_DAYS = 366
LABEL_TABLES = {"site": "sites", "category": "categories", "team": "teams"}


async def report(db: Database, config: Config, query: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The statistics for the request's ``from``, ``to`` (local dates, inclusive; default the last 30 days)
    and ``by``, and the display name of each group key."""
    tz = zone(config)
    now = datetime.now(timezone.utc)
    today = now.astimezone(tz).date()
    end = parse_day(query, "to") or today
    start = parse_day(query, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ApiError(400, "invalid_args", "结束日期早于开始日期", field="to")
    if (end - start).days >= MAX_DAYS:
        raise ApiError(400, "invalid_args", f"统计区间最长 {MAX_DAYS} 天", field="from")
    by = query.get("by") or "community"
    if by not in stats.GROUPINGS:
        raise ApiError(400, "invalid_args", f"参数 by 应为 {', '.join(stats.GROUPINGS)} 之一", field="by")
    lower, upper = local_day_bounds(start, end, tz)
    assert lower is not None and upper is not None
    facts = [stats.CaseFacts(
        id=r["id"], site=r["site"], community=r["community"], category=r["category"], team=r["team"],
        status=r["status"], submitted_at=r["created_at"], response_due=r["response_due"],
        resolution_due=r["resolution_due"], first_response_at=r["first_response_at"],
        last_resolved_at=r["resolved_at"], times_resolved=r["times_resolved"], reworks=r["rework_count"],
        rating=r["rating"]) for r in await case_reads.stats_facts(db, lower, upper)]
    result = stats.compute(facts, by, start, end, tz, now)
    labels = await case_reads.names(db, LABEL_TABLES[by]) if by in LABEL_TABLES else {}
    for group in result["groups"]:
        group["label"] = labels.get(group["key"], group["key"])
    return result, labels
