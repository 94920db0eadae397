"""The merge rules: what one valid mutation does to the case it names, given the case as it stands now.

- Creation is idempotent by case id: the same report again from the client that made it is a ``duplicate``;
  the id (or the track token) already used for something else is ``rejected`` (``id_taken``).
- The status moves only along the lifecycle (``sync.lifecycle``), in the order mutations arrive; a move the
  case can no longer make is recorded as a ``case.conflict`` event (kind ``transition``) with everything the
  mutation carried, and the status stays as it is.
- Notes and photos are append-only sets keyed by their ids: they always merge; the same id again is a duplicate.
  A mutation may name only photos its caller uploaded (``sync.rights.owns_photo``); any other is ``rejected``.
- Scalar fields are last-writer-wins registers ordered by revision ``<hlc>@<client_id>``. A write whose ``seen``
  revision is not the current one (the writer had not seen the value it replaces), or that loses to a newer
  write, also records a ``case.conflict`` event (kind ``field``) naming the value kept and the value lost, the
  same whichever of the two writes arrived first; equal values do not conflict.

Nothing here reads the database directly: :class:`World` answers the few questions a rule needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sync import rights
from sync.actor import Actor
from sync.args import Invalid
from sync.dates import case_number, iso, local_day, resolution_due, response_due
from sync.fold import revision
from sync.hlc import Hlc
from sync.lifecycle import next_status
from sync.names import CONFLICT, FIELD, PRIORITY, E, M, R, S
from sync.pseudonyms import public_revision

CREATE_CONTENT = ("track_token", "site", "category", "description", "photos", "location")


@dataclass
class Outcome:
    """What a mutation came to: its result status and the events (type, payload) it adds to the log."""

    result: str
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class World(Protocol):
    """What the rules may ask about the rest of the system while deciding one mutation."""

    def case(self, case_id: str) -> dict[str, Any] | None: ...
    def track_token_taken(self, token: str) -> bool: ...
    def has_note(self, case_id: str, note_id: str) -> bool: ...
    def has_photo(self, case_id: str, photo_id: str) -> bool: ...
    def uploaded(self, photo_id: str) -> dict[str, Any] | None: ...
    def site(self, code: str) -> dict[str, Any] | None: ...
    def category(self, code: str) -> dict[str, Any] | None: ...
    def team_exists(self, code: str) -> bool: ...
    def user_exists(self, user_id: int) -> bool: ...
    def next_number(self, day: str) -> int: ...


def _ms(text: str) -> int:
    return round(datetime.fromisoformat(text).timestamp() * 1000)


def _same_report(case: dict[str, Any], client_id: str, args: dict[str, Any]) -> bool:
    contact = args["contact"] or {}
    return (case["created_by_client"] == client_id and all(case[k] == args[k] for k in CREATE_CONTENT)
            and (case["contact_name"], case["contact_phone"]) == (contact.get("name"), contact.get("phone")))


def _check_photos(world: World, actor: Actor, args: dict[str, Any]) -> None:
    """A mutation may name only photos that were uploaded, processed, and uploaded by the caller itself; the same
    refusal for "no such photo" and "someone else's", so an id reveals nothing."""
    named = args.get("photos") or ([args["photo_id"]] if "photo_id" in args else [])
    for photo_id in named:
        uploaded = world.uploaded(photo_id)
        if uploaded is None or not rights.owns_photo(actor, uploaded):
            raise Invalid(E.photo_not_found, "照片不存在或不是由您上传的，请重新上传照片后再提交")


def _create(world: World, actor: Actor, args: dict[str, Any], now_ms: int, prefix: str) -> Outcome:
    existing = world.case(args["id"])
    if existing is not None:
        if _same_report(existing, actor.client_id, args):
            return Outcome(R.duplicate)
        raise Invalid(E.id_taken, "诉求编号已被占用，请重新提交")
    if world.track_token_taken(args["track_token"]):
        raise Invalid(E.id_taken, "查询码已被占用，请重新提交")
    channel = rights.channel_for(actor, args["channel"])
    if isinstance(channel, tuple):
        raise Invalid(*channel)
    refused = rights.create_refusal(actor, args["site"])
    if refused:
        raise Invalid(*refused)
    _check_photos(world, actor, args)
    site = world.site(args["site"])
    if site is None:
        raise Invalid(E.invalid_args, "站点不存在或已停用")
    category = world.category(args["category"])
    if category is None:
        raise Invalid(E.invalid_args, "诉求类别不存在或已停用")
    intake = rights.records_intake(actor)
    # An appeal taken elsewhere (a call to the hotline) was made when the caller made it: its number, its
    # resolution clock and the statistics count from then. The response clock still runs from now, when it
    # reached us. The hotline's own deadline (办结时限) replaces the category's.
    submitted_ms = _ms(args["submitted_at"]) if intake and args["submitted_at"] else now_ms
    if submitted_ms > now_ms:
        raise Invalid(E.invalid_args, "受理时间不能晚于当前时间")
    due = args["resolution_due"] if intake and args["resolution_due"] else resolution_due(
        submitted_ms, category["resolution_limit_days"])
    if due < iso(submitted_ms):
        raise Invalid(E.invalid_args, "办结时限不能早于受理时间")
    day = local_day(submitted_ms)
    priority = args["priority"] if intake and args["priority"] else (
        PRIORITY.urgent if category["urgent"] else PRIORITY.normal)
    payload = {
        "to": S.submitted, "number": case_number(prefix, day, world.next_number(day)),
        "track_token": args["track_token"], "site": site["code"], "community": site["community"],
        "category": category["code"], "description": args["description"], "contact": args["contact"],
        "photos": args["photos"], "location": args["location"], "channel": channel,
        "team": category["default_team"] or site["default_team"], "priority": priority,
        "response_due": response_due(now_ms, category["response_limit_minutes"]), "resolution_due": due,
        "created_at": iso(submitted_ms),
        "confidential": intake and args["confidential"], "callback": intake and args["callback"],
    }
    return Outcome(R.applied, [(M.create, payload)])


def _set(world: World, case: dict[str, Any], args: dict[str, Any], rev: str) -> Outcome:
    name, value = args["field"], args["value"]
    payload: dict[str, Any] = {"field": name, "value": value}
    if name == FIELD.category:
        category = world.category(value)
        if category is None:
            raise Invalid(E.invalid_args, "诉求类别不存在或已停用")
        # Triage: before acceptance the deadlines follow the category. After it they stay as they are; a
        # deadline then moves only by case.extend, with a reason on the record.
        if case["status"] == S.submitted:
            created = _ms(case["created_at"])
            payload["response_due"] = response_due(created, category["response_limit_minutes"])
            payload["resolution_due"] = resolution_due(created, category["resolution_limit_days"])
    elif name == FIELD.assignee and value is not None and not world.user_exists(value):
        raise Invalid(E.invalid_args, "处置人不存在或已停用")
    current, current_rev = case[name], case[name + "_rev"]
    wins = rev > current_rev
    outcome = Outcome(R.applied, [(M.set, payload)] if wins else [])
    # Staff are shown revisions in public form (no client id in them); a client from before that sends the raw one.
    seen = args["seen"] in (current_rev, public_revision(current_rev))
    if (not seen or not wins) and value != current:
        mine, theirs = {"value": value, "rev": rev}, {"value": current, "rev": current_rev}
        kept, lost = (mine, theirs) if wins else (theirs, mine)
        outcome.result = R.conflict
        outcome.events.append((CONFLICT, {"kind": "field", "field": name, "kept": kept, "lost": lost}))
    return outcome


def _stale(name: str, case: dict[str, Any], args: dict[str, Any]) -> Outcome:
    details = {k: v for k, v in args.items() if k != "id"}
    return Outcome(R.conflict, [(CONFLICT, {"kind": "transition", "mutation": name, "status": case["status"],
                                            "args": details})])


def _moved(world: World, name: str, case: dict[str, Any], args: dict[str, Any], rev: str,
           at: str) -> dict[str, Any]:
    """The payload of a status move: the move itself plus what it records."""
    if name == M.dispatch:
        if not world.team_exists(args["team"]):
            raise Invalid(E.invalid_args, "处置队伍不存在或已停用")
        if args["assignee"] is not None and not world.user_exists(args["assignee"]):
            raise Invalid(E.invalid_args, "处置人不存在或已停用")
        payload = {"team": args["team"]}
        # The assignee is a last-writer-wins field: a dispatch writes it only if newer than its last write, and
        # only if it changes it (a new revision of the same value would make others' ``seen`` stale for nothing).
        if rev > case["assignee_rev"] and args["assignee"] != case["assignee"]:
            payload["assignee"] = args["assignee"]
        return {**payload, "at": at}
    if name == M.merge:
        into = world.case(args["into"])
        if into is None:
            raise Invalid(E.not_found, "找不到要合并到的诉求")
        if into["status"] == S.duplicate:
            raise Invalid(E.invalid_args, "目标诉求已合并到其他诉求，请合并到最终的诉求")
    return {**{k: v for k, v in args.items() if k != "id"}, "at": at}


def decide(world: World, actor: Actor, name: str, args: dict[str, Any], hlc: Hlc, now_ms: int,
           prefix: str, floor_ms: int = 0) -> Outcome:
    """What mutation ``name`` with valid ``args``, stamped ``hlc``, does now; raises ``Invalid`` to refuse it.
    ``floor_ms`` is the latest reading the server has had of the same client's clock: an action it sends now
    cannot have happened before that."""
    if name == M.create:
        return _create(world, actor, args, now_ms, prefix)
    case = world.case(args["id"])
    if case is None:
        raise Invalid(E.not_found, "找不到该诉求")
    refused = rights.refusal(actor, name, case)
    if refused is None and name == M.dispatch:
        refused = rights.dispatch_refusal(actor, case, args["team"], args["assignee"])
    if refused:
        raise Invalid(*refused)
    _check_photos(world, actor, args)
    rev = revision(str(hlc), actor.client_id)
    if name == M.set:
        refused = rights.field_refusal(actor, args["field"])
        if refused:
            raise Invalid(*refused)
        if not rights.field_open(args["field"], case["status"]):
            return _stale(name, case, args)
        return _set(world, case, args, rev)
    if name == M.note and world.has_note(case["id"], args["note_id"]):
        return Outcome(R.duplicate)
    if name == M.photo and world.has_photo(case["id"], args["photo_id"]):
        return Outcome(R.duplicate)
    status = case["status"]
    to = next_status(name, status, args.get("rating"))
    if to is None:
        return _stale(name, case, args)
    if name == M.transfer and args["at"] > iso(now_ms):
        # A 转办's time becomes the case's latest event (sync.fold.event_time): one in the future would push every
        # later action's time there too.
        raise Invalid(E.invalid_args, "转办时间不能晚于当前时间")
    if name in (M.note, M.photo, M.transfer):  # records: their payload is what was sent (a 转办 keeps its own time)
        return Outcome(R.applied, [(name, {k: v for k, v in args.items() if k != "id"})])
    if name == M.extend and args["until"] <= (case["extended_until"] or case["resolution_due"]):
        raise Invalid(E.invalid_args, "延期时间必须晚于当前办理期限")
    # An action's time is when the device says it happened (work done offline counts when it was done), but
    # never before what it acts on: the latest event recorded on the case (sync.fold.event_time), nor before the
    # device's own clock had already passed. So resolved_at and accepted_at cannot be backdated. The 12345 import
    # replays the hotline's record at that record's times, so only the case's latest event holds it back.
    floor = 0 if rights.replays_record(actor) else floor_ms
    at = max(iso(max(hlc.ms, floor)), case["last_event_at"])
    payload = _moved(world, name, case, args, rev, at)
    if name != M.extend:
        payload = {"from": status, "to": to, **payload}
    return Outcome(R.applied, [(name, payload)])
