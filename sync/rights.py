"""Who may do what: every mutation is checked against the caller before it can touch a case.

- A resident's browser and a kiosk create cases (channel ``qr``; ``kiosk``, for the kiosk's own site only) and
  may rate, withdraw and add notes to the cases that the same ``client_id`` created, nothing else.
- Field staff start, resolve, annotate, photograph, edit fields of and return (退回) the cases dispatched to
  their team or assigned to them.
- Dispatchers and admins may do everything except the resident's own acts (rating, withdrawing) and the
  hotline's (转办); they create cases taken by phone or on site (channel ``field``) or from other systems
  (``open311``).
- An integration stands for another system and creates cases on its own channel only:
  - an Open311 API key (channel ``open311``) creates cases and does nothing else;
  - the 12345 hotline import (channel ``12345``) also acts on its own work orders, as the hotline platform
    reports them: each forwarding (转办), a new deadline (延期), and the results it carries (受理, 派遣 to the
    case's own team, 办结, 返工 and the satisfaction of the hotline's return call, 回访满意度). It records them at
    the times the hotline gives (:func:`replays_record`), never in the future.
- Staff and the hotline register cases taken elsewhere, so their new cases may say when the appeal was really
  made, its deadline, its priority, and whether the caller is confidential (是否保密) or wants a call back (是否回复).

Fields (``case.set``) have their own table, :data:`FIELD_RIGHTS`: who may write each, and in which statuses.

============  =======================  ==============================================
field         who may write it         while the case is
============  =======================  ==============================================
category      dispatcher, admin        submitted, accepted, dispatched, in_progress
assignee      dispatcher, admin, field submitted, accepted, dispatched, in_progress
priority      dispatcher, admin, field submitted, accepted, dispatched, in_progress
location      dispatcher, admin, field submitted, accepted, dispatched, in_progress
============  =======================  ==============================================

Residents, kiosks and integrations write no field. A dispatch that names an assignee writes that field too, so
it takes the assignee's right (:func:`dispatch_refusal`).
Field staff (on their own cases only, as above) may take a case or hand it to a teammate, raise its priority
and correct its location; the category decides the deadlines, so they may not change it. A dispatcher's change
of category before acceptance recomputes both deadlines from the report's time (triage); after acceptance it
leaves them as they are, and a deadline moves only by ``case.extend``, an event with a reason. Once a case is
resolved its fields are frozen (a reopen thaws them), and on a closed, rejected, merged or withdrawn case nothing
changes. A caller without the right is refused (``rejected``); a write that arrives after its field froze is
kept as a ``case.conflict`` event, like a move the case can no longer make.

A refusal is a value ``(error code, Chinese message)``; the engine records the mutation as rejected with it.
"""
from __future__ import annotations

from typing import Any

from sync.actor import INTEGRATION, KIOSK, RESIDENT, Actor
from sync.lifecycle import OPEN
from sync.names import CHANNEL, FIELD, ROLE, E, M

Refusal = tuple[str, str]

DESK = frozenset({ROLE.admin, ROLE.dispatcher})
# field → (roles that may write it, statuses in which it may change)
FIELD_RIGHTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    FIELD.category: (DESK, OPEN),
    FIELD.assignee: (DESK | {ROLE.field}, OPEN),
    FIELD.priority: (DESK | {ROLE.field}, OPEN),
    FIELD.location: (DESK | {ROLE.field}, OPEN),
}

RESIDENT_ACTS = frozenset({M.rate, M.withdraw, M.note})
FIELD_ACTS = frozenset({M.start, M.resolve, M.note, M.photo, M.set, M.return_})
STAFF_CHANNELS = frozenset({CHANNEL.field, CHANNEL.open311})
INTEGRATION_ACTS = {
    CHANNEL.open311: frozenset(),
    CHANNEL._12345: frozenset({M.transfer, M.extend, M.accept, M.dispatch, M.resolve, M.reopen, M.rate}),
}

_NOT_YOURS = (E.forbidden, "只能操作本人提交的诉求")
_NOT_YOUR_TEAM = (E.forbidden, "该诉求未派给您或您所在的队伍")
_NOT_ALLOWED = (E.forbidden, "您没有权限执行此操作")
_FIELD_NAMES = {FIELD.category: "诉求类别", FIELD.assignee: "处置人", FIELD.priority: "优先级", FIELD.location: "位置"}


def channel_for(actor: Actor, requested: str | None) -> str | Refusal:
    """The channel a new case gets from this caller (``requested`` may only choose among the staff channels)."""
    if actor.kind == RESIDENT:
        own = CHANNEL.qr
    elif actor.kind == KIOSK:
        own = CHANNEL.kiosk
    elif actor.kind == INTEGRATION:
        own = actor.channel or ""
        if own not in INTEGRATION_ACTS:
            return _NOT_ALLOWED
    elif actor.role in (ROLE.admin, ROLE.dispatcher):
        own = requested or CHANNEL.field
        if own not in STAFF_CHANNELS:
            return (E.invalid_args, "工作人员登记的诉求渠道只能是现场登记或外部系统")
        return own
    else:
        return (E.forbidden, "网格员不能登记新诉求，请联系调度员")
    if requested not in (None, own):
        return (E.forbidden, "该设备不能使用此渠道登记诉求")
    return own


def records_intake(actor: Actor) -> bool:
    """Whether the caller registers appeals taken elsewhere (a dispatcher logging a call, the 12345 import): its new
    cases may carry their submission time, resolution deadline, priority and the confidential and call-back marks."""
    if actor.kind == INTEGRATION:
        return actor.channel == CHANNEL._12345
    return actor.is_staff


def replays_record(actor: Actor) -> bool:
    """Whether the caller replays another system's record, each step at the time that record gives (the 12345
    import: 受理, 办结 and the return call as the hotline wrote them). Those times are no readings of the caller's
    clock, so the floor of its last reading (``sync.merge.decide``) does not hold them back; the case's latest event
    still does."""
    return actor.kind == INTEGRATION and actor.channel == CHANNEL._12345


def create_refusal(actor: Actor, site: str) -> Refusal | None:
    """Why the caller may not report a case at ``site``, or None."""
    if actor.kind == KIOSK and site != actor.site:
        return (E.forbidden, "自助终端只能登记本站点的诉求")
    return None


def refusal(actor: Actor, name: str, case: dict[str, Any]) -> Refusal | None:
    """Why the caller may not apply mutation ``name`` to ``case`` (a cases row as a dict), or None if it may."""
    if actor.kind in (RESIDENT, KIOSK):
        if name not in RESIDENT_ACTS:
            return _NOT_ALLOWED
        return None if case["created_by_client"] == actor.client_id else _NOT_YOURS
    if actor.kind == INTEGRATION:
        if name not in INTEGRATION_ACTS.get(actor.channel or "", ()):
            return _NOT_ALLOWED
        return None if case["channel"] == actor.channel else _NOT_ALLOWED
    if actor.role == ROLE.field:
        if name not in FIELD_ACTS:
            return _NOT_ALLOWED
        mine = (actor.team is not None and case["team"] == actor.team) or (
            actor.user_id is not None and case["assignee"] == actor.user_id)
        return None if mine else _NOT_YOUR_TEAM
    if actor.role in (ROLE.admin, ROLE.dispatcher):
        return _NOT_ALLOWED if name in (M.rate, M.withdraw, M.transfer) else None
    return _NOT_ALLOWED


def field_refusal(actor: Actor, field: str) -> Refusal | None:
    """Why the caller may not write ``field`` with ``case.set`` at all, or None (see :data:`FIELD_RIGHTS`)."""
    roles, _ = FIELD_RIGHTS[field]
    if actor.is_staff and actor.role in roles:
        return None
    return (E.forbidden, f"您的角色不能修改{_FIELD_NAMES[field]}，请联系调度员")


def dispatch_refusal(actor: Actor, case: dict[str, Any], team: str, assignee: int | None) -> Refusal | None:
    """Why the caller, who may dispatch ``case``, may not dispatch it to ``team`` and ``assignee``, or None: naming
    an assignee writes that field (:data:`FIELD_RIGHTS`), and the hotline's 派遣 is a result it reports, to the
    case's own team, not a choice of ours."""
    if assignee is not None:
        refused = field_refusal(actor, FIELD.assignee)
        if refused:
            return refused
    if actor.kind == INTEGRATION and team != case["team"]:
        return (E.forbidden, "12345 工单只能派给案件原有的处置队伍")
    return None


def field_open(field: str, status: str) -> bool:
    """Whether ``field`` may still change while the case is in ``status``."""
    return status in FIELD_RIGHTS[field][1]


def owns_photo(actor: Actor, uploaded: dict[str, Any]) -> bool:
    """Whether ``uploaded`` (a photo or upload row: its ``client_id`` and ``user_id``) is the caller's own: a staff
    member's upload belongs to their user (any of their devices), anyone else's to the client id that sent it."""
    if actor.is_staff:
        return uploaded["user_id"] is not None and uploaded["user_id"] == actor.user_id
    return uploaded["user_id"] is None and uploaded["client_id"] == actor.client_id
