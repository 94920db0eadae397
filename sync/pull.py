"""Pull: the changes a caller may see after its cursor, in ``seq`` (commit) order.

Residents and kiosks see the cases their ``client_id`` created; field staff the cases of their team or assigned
to them; dispatchers and admins everything. Visibility follows the case as it is now: a case dispatched to
another team stops appearing in the old team's pulls, and the new team receives it with its next event, with
the full snapshot. Each change carries that snapshot (``sync.views``), so a client only has to replace its copy.
"""
from __future__ import annotations

from typing import Any

from sync.actor import Actor
from sync.names import ROLE
from sync.pseudonyms import Pseudonyms
from sync.storage import SyncReads
from sync.views import case_view, event_view


def scope(actor: Actor) -> dict[str, Any]:
    """The cases ``actor`` may see, as the storage layer's filter."""
    if not actor.is_staff:
        return {"created_by_client": actor.client_id}
    if actor.role == ROLE.field:
        return {"team": actor.team, "assignee": actor.user_id}
    return {}


async def pull(reads: SyncReads, actor: Actor, cursor: int, limit: int, pseudonyms: Pseudonyms) -> dict[str, Any]:
    """``{changes, cursor, more}``: up to ``limit`` visible changes after ``cursor``. Pull again from the returned
    cursor while ``more``; when not ``more`` the cursor is the log's top, past events the caller may not see.
    Staff see client ids as ``pseudonyms``."""
    where = scope(actor)
    events, top = await reads.changes(where, cursor, limit + 1)
    more = len(events) > limit
    events = events[:limit]
    ids = list(dict.fromkeys(e["case_id"] for e in events))
    snapshots: dict[str, dict[str, Any]] = {}
    if ids:
        cases, notes, photos = await reads.cases_with_sets(ids, where)
        notes_of: dict[str, list[dict[str, Any]]] = {}
        photos_of: dict[str, list[dict[str, Any]]] = {}
        for n in notes:
            notes_of.setdefault(n["case_id"], []).append(n)
        for p in photos:
            photos_of.setdefault(p["case_id"], []).append(p)
        for case in cases:
            snapshots[case["id"]] = case_view(actor, case, notes_of.get(case["id"], []), photos_of.get(case["id"], []),
                                              pseudonyms)
    changes = []
    for e in events:
        shown = event_view(actor, e, pseudonyms) if e["case_id"] in snapshots else None
        if shown is not None:
            changes.append({"seq": e["seq"], "type": e["type"], "case_id": e["case_id"], "event": shown,
                            "case": snapshots[e["case_id"]]})
    return {"changes": changes, "cursor": events[-1]["seq"] if more else top, "more": more}
