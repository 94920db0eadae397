"""What each caller sees of a case and of an event.

Staff (field, dispatcher, admin) see the whole record: the reporter's contact (they call back), the assignee,
priority, internal notes and photos, conflicts, and each scalar field's revision (``revs``, the ``seen`` that a
``case.set`` sends back). A resident or kiosk sees its own cases without any of that: no contact (not even its
own, so a shared kiosk never shows one person's phone number to the next), no assignee or priority, only the
notes and photos it added itself plus the photos of the resolution, and of the log only the steps of the case,
with the texts meant for the reporter (the resolution, the reason for a rejection or withdrawal).
Only the client that created a case receives its ``track_token``, and no caller but a client itself ever sees a
client id: staff see the pseudonyms of ``sync.pseudonyms`` in its place (in actors, note authors, revisions and
the case's ``reporter``). The caller of a confidential case (是否保密, from the 12345 hotline) is shown to
dispatchers and admins only: field staff see neither its contact nor the contact in its creation event.
"""
from __future__ import annotations

from typing import Any

from sync.actor import KIOSK, RESIDENT, Actor
from sync.names import CHANNEL, CONFLICT, FIELD, ROLE, SCALAR_FIELDS, M
from sync.pseudonyms import Pseudonyms, public_revision

_RESIDENT_CASE = (
    "id", "number", "site", "community", "category", "description", "location", "channel", "status", "team",
    "response_due", "resolution_due", "extended_until", "accepted_at", "resolved_at", "closed_at", "resolution",
    "reject_reason", "rating", "rating_comment", "rework_count", "duplicate_of", "created_at", "updated_seq",
)
_STAFF_CASE = (*_RESIDENT_CASE, "assignee", "priority", "confidential", "callback")

_MOVE = ("from", "to", "at")
# Event type → payload keys a resident sees; types not listed are not shown to residents at all.
_RESIDENT_PAYLOAD: dict[str, tuple[str, ...]] = {
    M.create: ("to", "number", "site", "community", "category", "description", "photos", "location", "channel",
               "team", "response_due", "resolution_due", "created_at"),
    M.accept: _MOVE, M.dispatch: (*_MOVE, "team"), M.start: _MOVE, M.resolve: (*_MOVE, "text", "photos"),
    M.rate: (*_MOVE, "rating", "comment"), M.reopen: _MOVE, M.withdraw: (*_MOVE, "reason"),
    M.reject: (*_MOVE, "reason"), M.merge: (*_MOVE, "into"), M.extend: ("until",), M.return_: _MOVE,
    M.close: _MOVE, M.note: ("note_id", "text", "photos"), M.photo: ("photo_id",), M.set: ("field", "value"),
}
_PUBLIC_FIELDS = frozenset({FIELD.category, FIELD.location})
# Channels whose reports come from a resident's phone or a kiosk, so that the reporter is shown by pseudonym.
_RESIDENT_CHANNELS = frozenset({CHANNEL.qr, CHANNEL.kiosk})
# Payload keys no staff screen shows: the resident's only key to the tracking page.
_HIDDEN_FROM_STAFF = frozenset({"track_token"})


def hides_caller(role: str | None, confidential: bool) -> bool:
    """Whether the caller of a case must be hidden from a viewer in ``role``: a confidential case (是否保密) shows
    its caller to dispatchers and admins only."""
    return confidential and role not in (ROLE.admin, ROLE.dispatcher)


def reporter(case: dict[str, Any], pseudonyms: Pseudonyms) -> str | None:
    """The pseudonym of the resident (or kiosk) that reported ``case``; None for a case staff or another system
    registered (the hotline's caller is its contact, shown or hidden by :func:`hides_caller`)."""
    return pseudonyms.of(case["created_by_client"]) if case["channel"] in _RESIDENT_CHANNELS else None


def staff_payload(kind: str, payload: dict[str, Any], hide_caller: bool = False) -> dict[str, Any]:
    """An event's payload as staff see it: no track token, a field conflict's revisions in public form, and with
    ``hide_caller`` (a confidential case seen by field staff) no contact in a creation."""
    shown = {k: v for k, v in payload.items() if k not in _HIDDEN_FROM_STAFF}
    if kind == CONFLICT and payload.get("kind") == "field":
        for side in ("kept", "lost"):
            shown[side] = {**payload[side], "rev": public_revision(payload[side]["rev"])}
    if hide_caller and "contact" in shown:
        shown["contact"] = None
    return shown


def case_view(viewer: Actor, case: dict[str, Any], notes: list[dict[str, Any]], photos: list[dict[str, Any]],
              pseudonyms: Pseudonyms) -> dict[str, Any]:
    """The snapshot of ``case`` that ``viewer`` may see; ``notes`` and ``photos`` are the case's sets in order."""
    staff = viewer.is_staff
    view = {k: case[k] for k in (_STAFF_CASE if staff else _RESIDENT_CASE)}
    if case["created_by_client"] == viewer.client_id:
        view["track_token"] = case["track_token"]
    view["photos"] = [*case["photos"], *(p["photo_id"] for p in photos if staff or p["public"])]
    view["notes"] = [
        {"note_id": n["note_id"], "text": n["text"], "photos": n["photos"], "hlc": n["hlc"],
         "author": pseudonyms.actor(n["author"]) if staff else {"kind": n["author"]["kind"]}}
        for n in notes if staff or n["public"]]
    if staff:
        view["contact"] = ({"name": case["contact_name"], "phone": case["contact_phone"]}
                           if (case["contact_name"] or case["contact_phone"])
                           and not hides_caller(viewer.role, bool(case["confidential"])) else None)
        view["revs"] = {f: public_revision(case[f + "_rev"]) for f in SCALAR_FIELDS}
        view["reporter"] = reporter(case, pseudonyms)
    return view


def event_view(viewer: Actor, event: dict[str, Any], pseudonyms: Pseudonyms) -> dict[str, Any] | None:
    """What ``viewer`` sees of ``event``, or None if it is not for them."""
    if viewer.is_staff:
        hidden = event["type"] == M.create and hides_caller(viewer.role, bool(event["payload"].get("confidential")))
        return {**{k: event[k] for k in ("seq", "type", "case_id", "hlc", "mid", "created_at")},
                "actor": pseudonyms.actor(event["actor"]),
                "payload": staff_payload(event["type"], event["payload"], hidden)}
    kind, payload = event["type"], event["payload"]
    keys = _RESIDENT_PAYLOAD.get(kind)
    if keys is None or kind == CONFLICT:
        return None
    if kind in (M.note, M.photo) and event["actor"]["kind"] not in (RESIDENT, KIOSK):
        return None
    if kind == M.set and payload["field"] not in _PUBLIC_FIELDS:
        return None
    return {"seq": event["seq"], "type": kind, "case_id": event["case_id"], "hlc": event["hlc"],
            "actor": {"kind": event["actor"]["kind"]}, "payload": {k: payload[k] for k in keys if k in payload},
            "created_at": event["created_at"]}
