"""A case as the fold of its events: the one function that turns an event into the next state of a case.

The engine applies each new event with :func:`fold` to the case it loaded and writes the result in the same
transaction, so the ``cases`` row is always the fold of the case's events in ``seq`` order; a test replays the
whole log and compares. Events carry every value the fold needs (numbers, deadlines, times), so folding needs
nothing but the events.
"""
from __future__ import annotations

from typing import Any

from sync.dates import iso
from sync.lifecycle import is_rework
from sync.actor import STAFF
from sync.names import CONFLICT, SCALAR_FIELDS, M, RATING

# The record of a case: the columns of ``cases``. ``photos`` (the report's photos) and ``location`` are JSON;
# ``confidential`` (是否保密: only dispatchers and admins see the caller) and ``callback`` (是否回复) are 0 or 1.
CASE_FIELDS = (
    "id", "number", "track_token", "site", "community", "category", "description", "contact_name",
    "contact_phone", "photos", "location", "channel", "status", "team", "assignee", "priority", "response_due",
    "resolution_due", "accepted_at", "resolved_at", "closed_at", "resolution", "reject_reason", "rating",
    "rating_comment", "rework_count", "duplicate_of", "extended_until", "created_by_client", "created_at",
    "updated_seq", *(f"{f}_rev" for f in SCALAR_FIELDS), "last_event_at", "confidential", "callback",
)
JSON_FIELDS = ("photos", "location")


def revision(hlc: str, client_id: str) -> str:
    """A scalar field's revision ``<hlc>@<client_id>``: strings compare as (hlc, client_id) pairs, because the
    HLC part has a fixed width."""
    return f"{hlc}@{client_id}"


def event_time(event: dict[str, Any]) -> str:
    """When an event says it happened: the report's time for a report, the recorded ``at`` of an action (of a 转办,
    the hotline's time of it, never in the future), else (notes, photos, field edits) its HLC's wall-clock part. No
    later action is recorded as earlier than the latest of these on its case (``last_event_at``), so resolved_at and
    accepted_at cannot be backdated."""
    p = event["payload"]
    if event["type"] == M.create:
        return str(p["created_at"])
    return str(p["at"]) if "at" in p else iso(int(event["hlc"][:13]))


def _created(event: dict[str, Any]) -> dict[str, Any]:
    p = event["payload"]
    contact = p["contact"] or {}
    rev = revision(event["hlc"], event["client_id"])
    case = {
        "id": event["case_id"], "number": p["number"], "track_token": p["track_token"], "site": p["site"],
        "community": p["community"], "category": p["category"], "description": p["description"],
        "contact_name": contact.get("name"), "contact_phone": contact.get("phone"), "photos": p["photos"],
        "location": p["location"], "channel": p["channel"], "status": p["to"], "team": p["team"],
        "assignee": None, "priority": p["priority"], "response_due": p["response_due"],
        "resolution_due": p["resolution_due"], "accepted_at": None, "resolved_at": None, "closed_at": None,
        "resolution": None, "reject_reason": None, "rating": None, "rating_comment": None, "rework_count": 0,
        "duplicate_of": None, "extended_until": None, "created_by_client": event["client_id"],
        "created_at": p["created_at"], "updated_seq": event["seq"], "last_event_at": p["created_at"],
        # Creations logged before these marks existed carry neither: such a case is neither.
        "confidential": int(bool(p.get("confidential"))), "callback": int(bool(p.get("callback"))),
    }
    case.update({f"{f}_rev": rev for f in SCALAR_FIELDS})
    return case


def fold(case: dict[str, Any] | None, event: dict[str, Any]) -> dict[str, Any]:
    """The case after ``event`` (a new dict; ``case`` is left as it was). ``case`` is None before creation."""
    kind, p = event["type"], event["payload"]
    if kind == M.create:
        return _created(event)
    assert case is not None, f"{kind} before the case was created"
    case = {**case, "updated_seq": event["seq"]}
    if kind != CONFLICT:  # a conflict changed nothing, so it is nothing a later action acts on
        case["last_event_at"] = max(case["last_event_at"], event_time(event))
    if "to" in p:
        case["status"] = p["to"]
        if is_rework(kind, p["to"]):
            case["rework_count"] += 1
            case["resolved_at"] = None
    rev = revision(event["hlc"], event["client_id"])
    if kind == M.accept:
        case["accepted_at"] = p["at"]
    elif kind == M.dispatch:
        case["team"] = p["team"]
        if "assignee" in p:  # present only when the dispatch was newer than the last write of the assignee
            case["assignee"], case["assignee_rev"] = p["assignee"], rev
    elif kind == M.resolve:
        case["resolved_at"], case["resolution"] = p["at"], p["text"]
    elif kind == M.rate:
        case["rating"], case["rating_comment"] = p["rating"], p["comment"]
        if p["rating"] != RATING.unsatisfied:
            case["closed_at"] = p["at"]
    elif kind == M.close:
        case["closed_at"] = p["at"]
    elif kind == M.reject:
        case["reject_reason"] = p["reason"]
    elif kind == M.merge:
        case["duplicate_of"] = p["into"]
    elif kind == M.extend:
        case["extended_until"] = p["until"]
    elif kind == M.set:
        case[p["field"]], case[p["field"] + "_rev"] = p["value"], rev
        if "response_due" in p:  # a category set before acceptance; later ones leave the deadlines alone
            case["response_due"], case["resolution_due"] = p["response_due"], p["resolution_due"]
    return case


def attachments(event: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The notes and photos an event adds to its case's append-only sets (rows of case_notes, case_photos).

    Staff notes and photos are internal; what a resident or kiosk adds, and the photos of a resolution, are
    public (the resident sees them).
    """
    kind, p = event["type"], event["payload"]
    by_resident = event["actor"]["kind"] != STAFF
    stamp = {"case_id": event["case_id"], "hlc": event["hlc"], "client_id": event["client_id"], "seq": event["seq"]}
    notes, photos = [], []
    if kind == M.note:
        notes.append({**stamp, "note_id": p["note_id"], "text": p["text"], "photos": p["photos"],
                      "author": event["actor"], "public": by_resident})
    if kind in (M.note, M.resolve):
        photos.extend({**stamp, "photo_id": ph, "public": by_resident or kind == M.resolve} for ph in p["photos"])
    elif kind == M.photo:
        photos.append({**stamp, "photo_id": p["photo_id"], "public": by_resident})
    return notes, photos

