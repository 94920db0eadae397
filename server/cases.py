"""Cases as staff read them: who may see which case and its contact, list filters, and the JSON of the console.

Visibility (checked here for every read; the SQL only applies what this module decides):
- dispatchers and admins see every case, with the resident's contact;
- field staff see the cases dispatched to their team or assigned to them — with the contact, since they are
  the ones who go and act — and nothing else (403 for another team's case).
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Mapping

from server.auth import StaffUser
from server.deadlines import iso, running_deadline
from server.errors import ApiError
from server.settings import Config
from server.storage import Database
from server.storage import case_reads
from server.storage import hotline as hotline_store
from server.storage import open311 as open311_store
from server.storage.case_reads import CaseFilter
from sync.actor import STAFF, Actor
from sync.dates import CHINA
from sync.lifecycle import next_status
from sync.names import STATUSES, M
from sync.pseudonyms import Pseudonyms
from sync.rights import refusal
from sync.views import hides_caller, reporter, staff_payload

SEES_ALL = ("dispatcher", "admin")
MAX_PAGE_SIZE = 200
# The console's actions on a case, in the order of its action bar.
CONSOLE_ACTIONS = (M.accept, M.dispatch, M.reject, M.merge, M.extend, M.return_, M.close)


def zone(config: Config) -> tzinfo:
    """The subdistrict's time zone: the one the sync engine numbers cases and counts working days in."""
    return CHINA


def local_day_bounds(start: date | None, end: date | None, tz: tzinfo) -> tuple[str | None, str | None]:
    """UTC bounds ``[from, before)`` of the local dates ``start`` to ``end`` (both inclusive)."""
    lower = iso(datetime.combine(start, time(0), tzinfo=tz)) if start else None
    upper = iso(datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)) if end else None
    return lower, upper


def parse_day(query: Mapping[str, str], name: str) -> date | None:
    value = query.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "invalid_args", f"参数 {name} 应为日期 YYYY-MM-DD", field=name) from None


def _positive_int(query: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ApiError(400, "invalid_args", f"参数 {name} 应为 1–{maximum} 的整数", field=name)
    return int(value)


def build_filter(staff: StaffUser, query: Mapping[str, str], tz: tzinfo, now: datetime) -> CaseFilter:
    statuses = tuple(s for s in (query.get("status") or "").split(",") if s)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise ApiError(400, "invalid_args", f"不认识的状态：{', '.join(unknown)}", field="status")
    start, end = parse_day(query, "from"), parse_day(query, "to")
    if start and end and end < start:
        raise ApiError(400, "invalid_args", "结束日期早于开始日期", field="to")
    created_from, created_before = local_day_bounds(start, end, tz)
    overdue = query.get("overdue", "")
    if overdue not in ("", "0", "1", "true", "false"):
        raise ApiError(400, "invalid_args", "参数 overdue 应为 1 或 0", field="overdue")
    return CaseFilter(
        statuses=statuses, site=query.get("site") or None, community=query.get("community") or None,
        category=query.get("category") or None, team=query.get("team") or None,
        overdue_at=iso(now) if overdue in ("1", "true") else None,
        created_from=created_from, created_before=created_before,
        restrict=staff.role not in SEES_ALL, visible_to_team=staff.team, visible_to_user=staff.id,
    )


def may_see(staff: StaffUser, row: Mapping[str, Any]) -> bool:
    if staff.role in SEES_ALL:
        return True
    return (staff.team is not None and row["team"] == staff.team) or row["assignee_id"] == staff.id


def summary(row: Mapping[str, Any], now: datetime, warn_fraction: float) -> dict[str, Any]:
    """A case as one line of the board: enough to sort, filter and count down without opening it."""
    deadline = running_deadline(row["status"], row["created_at"], row["response_due"], row["resolution_due"],
                                warn_fraction)
    return {
        "id": row["id"], "number": row["number"], "status": row["status"], "priority": row["priority"],
        "site": row["site"], "site_name": row["site_name"], "community": row["community"],
        "category": row["category"], "category_name": row["category_name"], "description": row["description"],
        "channel": row["channel"], "team": row["team"], "team_name": row["team_name"],
        "assignee": row["assignee"], "assignee_name": row["assignee_name"], "created_at": row["created_at"],
        "response_due": row["response_due"], "resolution_due": row["resolution_due"],
        "extended": row["extended_until"] is not None, "accepted_at": row["accepted_at"],
        "resolved_at": row["resolved_at"], "closed_at": row["closed_at"], "rating": row["rating"],
        "rework_count": row["rework_count"], "duplicate_of": row["duplicate_of"], "seq": row["updated_seq"],
        "confidential": bool(row["confidential"]), "callback": bool(row["callback"]),
        "deadline": deadline.as_json(now) if deadline else None,
        "overdue": bool(deadline and deadline.state(now) == "overdue"),
    }


async def list_cases(db: Database, config: Config, staff: StaffUser, query: Mapping[str, str]) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    f = build_filter(staff, query, zone(config), now)
    sort = query.get("sort") or "new"
    if sort not in case_reads.SORTS:
        raise ApiError(400, "invalid_args", f"参数 sort 应为 {', '.join(case_reads.SORTS)} 之一", field="sort")
    per_page = _positive_int(query, "per_page", min(config.cases_page_size, MAX_PAGE_SIZE), MAX_PAGE_SIZE)
    page = _positive_int(query, "page", 1, 1_000_000)
    rows, total = await case_reads.list_cases(db, f, sort, per_page, (page - 1) * per_page)
    return {"cases": [summary(r, now, config.deadline_warn_fraction) for r in rows], "total": total,
            "page": page, "per_page": per_page, "now": iso(now)}


def _actor(raw: str, device_name: str | None, client_kind: str | None, pseudonyms: Pseudonyms) -> dict[str, Any]:
    actor = pseudonyms.actor(json.loads(raw))
    return {"kind": actor.get("kind"), "user": actor.get("user"), "role": actor.get("role"),
            "device": device_name or None, "client_kind": client_kind, "device_id": actor.get("device_id"),
            "pseudonym": actor.get("pseudonym")}


def allowed_actions(staff: StaffUser, row: Mapping[str, Any]) -> list[str]:
    """The console actions that the sync engine would apply now: the lifecycle allows the move from the case's
    status and the rights allow this person. (Offered, not promised: another handler may move the case first,
    and the engine then records a conflict.)"""
    actor = Actor(STAFF, "0" * 32, user_id=staff.id, username=staff.username, role=staff.role, team=staff.team)
    case = {"team": row["team"], "assignee": row["assignee_id"], "created_by_client": None}
    return [name for name in CONSOLE_ACTIONS
            if next_status(name, row["status"]) is not None and refusal(actor, name, case) is None]


def timeline_entry(row: Mapping[str, Any], pseudonyms: Pseudonyms, hide_caller: bool = False) -> dict[str, Any]:
    """One event of the audit trail: who did what, when, from which device — conflicts included. A resident
    appears by pseudonym: their client id is their credential. ``hide_caller`` leaves out the contact that a
    creation carries (a confidential case seen by field staff)."""
    payload = staff_payload(row["type"], json.loads(row["payload"]), hide_caller)
    return {"seq": row["seq"], "type": row["type"], "at": payload.get("at") or row["created_at"],
            "recorded_at": row["created_at"], "hlc": row["hlc"], "mid": row["mid"],
            "actor": _actor(row["actor"], row["device_name"], row["client_kind"], pseudonyms), "payload": payload,
            "conflict": row["type"] == "case.conflict"}


async def _reporter(db: Database, row: Mapping[str, Any], pseudonyms: Pseudonyms) -> dict[str, Any] | None:
    """Who reported the case, as staff may know them: a pseudonym, and how many cases the same phone reported."""
    pseudonym = reporter({"created_by_client": row["created_by_client"], "channel": row["channel"]}, pseudonyms)
    if pseudonym is None:
        return None
    return {"pseudonym": pseudonym, "cases": await case_reads.count_by_reporter(db, row["created_by_client"])}


async def case_detail(db: Database, config: Config, staff: StaffUser, case_id: str,
                      pseudonyms: Pseudonyms) -> dict[str, Any]:
    row = await case_reads.get_case(db, case_id)
    if row is None:
        raise ApiError(404, "not_found", "找不到该案件")
    if not may_see(staff, row):
        raise ApiError(403, "forbidden", "该案件没有派给您或您的队伍")
    now = datetime.now(timezone.utc)
    case = summary(row, now, config.deadline_warn_fraction)
    hidden = hides_caller(staff.role, bool(row["confidential"]))
    case.update(
        contact=None if hidden else {"name": row["contact_name"], "phone": row["contact_phone"]},
        location=json.loads(row["location"]) if row["location"] else None,
        resolution=row["resolution"], reject_reason=row["reject_reason"], rating_comment=row["rating_comment"],
        resolution_due_original=row["resolution_due_original"], actions=allowed_actions(staff, row),
        reporter=await _reporter(db, row, pseudonyms),
    )
    photos = [{"id": p["photo_id"], "url": f"/api/photos/{p['photo_id']}", "public": bool(p["public"])}
              for p in await case_reads.case_photos(db, case_id)]
    report_photos = json.loads(row["photos"] or "[]")
    known = {p["id"] for p in photos}
    photos = [{"id": p, "url": f"/api/photos/{p}", "public": True} for p in report_photos if p not in known] + photos
    notes = [{"id": n["note_id"], "text": n["text"], "photos": json.loads(n["photos"]), "public": bool(n["public"]),
              "author": pseudonyms.actor(json.loads(n["author"])), "hlc": n["hlc"], "seq": n["seq"]}
             for n in await case_reads.case_notes(db, case_id)]
    timeline = [timeline_entry(e, pseudonyms, hidden) for e in await case_reads.case_events(db, case_id)]
    merged = [{"id": m["id"], "number": m["number"]} for m in await case_reads.merged_into_this(db, case_id)]
    detail = {"case": case, "photos": photos, "notes": notes, "timeline": timeline, "merged": merged, "now": iso(now)}
    posted = await open311_store.staff_details(db, case_id)
    if posted is not None:  # what an Open311 client sent beyond the case: its key, media, address, e-mail
        detail["open311"] = dict(posted)
    order = await hotline_store.order_of_case(db, case_id)
    if order is not None:  # a 12345 work order: its number and the hotline's own category, urgency, call type
        detail["hotline"] = dict(order)
    return detail
