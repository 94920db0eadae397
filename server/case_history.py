"""A case's history as people read it on a staff screen: names instead of ids, events in the order they happened,
work done offline marked as such, photos labelled by who took them and when, and why a case came back.

:func:`server.cases.case_detail` builds the raw timeline from the event log (``timeline_entry``); this module
adds what a reader needs on top of it and leaves the raw fields as they were (clients that read them still can).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterable, Mapping

from server.deadlines import parse_time
from sync import hlc as hlc_mod
from sync.actor import INTEGRATION, STAFF
from sync.dates import iso
from sync.lifecycle import is_rework
from sync.names import CONFLICT, FIELD, M, S

# Photo stages: 群众上传 (the reporter's), 处置前 (staff, while the case is handled), 处置后 (staff, with or after
# the resolution).
RESIDENT, BEFORE, AFTER = "resident", "before", "after"
_RESOLVED = frozenset({S.resolved, S.closed})


def user_ids(timeline: Iterable[Mapping[str, Any]], notes: Iterable[Mapping[str, Any]]) -> set[int]:
    """Every staff user a timeline or a note names: actors, assignees (dispatches, edits, conflicts), authors."""
    found: set[int] = set()
    for entry in timeline:
        actor, p = entry["actor"], entry["payload"]
        if isinstance(actor.get("user_id"), int):
            found.add(actor["user_id"])
        if isinstance(p.get("assignee"), int):
            found.add(p["assignee"])
        if p.get("field") == FIELD.assignee:
            for value in (p.get("value"), (p.get("kept") or {}).get("value"), (p.get("lost") or {}).get("value")):
                if isinstance(value, int):
                    found.add(value)
    found.update(n["author"]["user_id"] for n in notes if isinstance(n["author"].get("user_id"), int))
    return found


def name_people(timeline: list[dict[str, Any]], notes: list[dict[str, Any]], names: Mapping[int, str]) -> None:
    """Add display names (张敏) beside the ids: ``actor.name``, ``payload.assignee_name``, ``kept.name`` and
    ``lost.name`` of an assignee conflict, ``author.name`` of a note."""
    for entry in timeline:
        actor, p = entry["actor"], entry["payload"]
        actor["name"] = names.get(actor["user_id"]) if actor.get("user_id") is not None else None
        if isinstance(p.get("assignee"), int):
            p["assignee_name"] = names.get(p["assignee"])
        if p.get("field") == FIELD.assignee:
            if "value" in p:
                p["value_name"] = names.get(p["value"]) if isinstance(p["value"], int) else None
            for side in ("kept", "lost"):
                if isinstance(p.get(side), dict) and isinstance(p[side].get("value"), int):
                    p[side]["name"] = names.get(p[side]["value"])
    for note in notes:
        author_id = note["author"].get("user_id")
        note["author"]["name"] = names.get(author_id) if isinstance(author_id, int) else None


def happened_at(entry: Mapping[str, Any]) -> str:
    """When the event happened where it was done: the time its device recorded (the HLC, clamped by the server
    against clocks running ahead), or the time the event itself names (a move's ``at``, a 转办's time, a hotline
    call's submission)."""
    p = entry["payload"]
    if p.get("at"):
        return str(p["at"])
    stamp = iso(hlc_mod.parse(entry["hlc"]).ms)
    if entry["type"] == M.create and p.get("created_at"):
        return min(stamp, str(p["created_at"]))
    return stamp


def order_and_mark(timeline: list[dict[str, Any]], late_after_s: float) -> list[dict[str, Any]]:
    """The timeline in the order things happened (ties in commit order), each entry with ``happened_at``, and
    ``synced_later`` when a phone or desk recorded it more than ``late_after_s`` before the server received it
    (work done offline). Imports (12345, Open311) are not marked: their times are the caller's, not a device's."""
    # Nothing happens to a case before it was reported: a note stamped by a clock running behind still comes after.
    created = [happened_at(e) for e in timeline if e["type"] == M.create]
    floor = created[0] if created else ""
    for entry in timeline:
        entry["happened_at"] = max(happened_at(entry), floor)
        gap = parse_time(entry["recorded_at"]) - parse_time(entry["happened_at"])
        entry["synced_later"] = entry["actor"].get("kind") != INTEGRATION and gap >= timedelta(seconds=late_after_s)
    return sorted(timeline, key=lambda e: (e["happened_at"], e["seq"]))


def photo_stages(photos: list[dict[str, Any]], timeline: Iterable[Mapping[str, Any]],
                 photo_seqs: Mapping[str, int]) -> None:
    """Label each photo ``stage``: the reporter's (群众上传), staff's while the case was handled (处置前), or staff's
    with or after its resolution (处置后). ``photo_seqs``: the event that attached each photo (report photos, which
    came with the creation, are not in it)."""
    by_seq = {e["seq"]: e for e in timeline}
    status_after: dict[int, str] = {}
    status = S.submitted
    for seq in sorted(by_seq):
        if by_seq[seq]["type"] != CONFLICT:
            status = by_seq[seq]["payload"].get("to", status)
        status_after[seq] = status
    for photo in photos:
        seq = photo_seqs.get(photo["id"])
        event = by_seq.get(seq) if seq is not None else None
        if event is None or event["actor"].get("kind") != STAFF:
            photo["stage"] = RESIDENT
        elif event["type"] == M.resolve or status_after.get(seq) in _RESOLVED:
            photo["stage"] = AFTER
        else:
            photo["stage"] = BEFORE


def last_rework(timeline: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Why the case came back the last time (返工): the resident's unsatisfied rating and comment, or a staff
    reopen's reason; None if it never did."""
    latest = None
    for entry in timeline:
        p = entry["payload"]
        if entry["type"] in (M.rate, M.reopen) and is_rework(entry["type"], p.get("to", "")):
            latest = entry
    if latest is None:
        return None
    p = latest["payload"]
    return {"at": latest.get("happened_at") or p.get("at"), "by": latest["actor"].get("kind"),
            "name": latest["actor"].get("name"), "rating": p.get("rating"),
            "reason": p.get("comment") if latest["type"] == M.rate else p.get("reason")}
