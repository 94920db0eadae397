"""Who may do what: every mutation is checked against the caller before it can touch a case.

- A resident's browser and a kiosk create cases (channel ``qr``; ``kiosk``, for the kiosk's own site only) and
  may rate, withdraw and add notes to the cases that the same ``client_id`` created, nothing else.
- Field staff start, resolve, annotate, photograph, edit fields of and return (退回) the cases dispatched to
  their team or assigned to them.
- Dispatchers and admins may do everything except the resident's own acts (rating, withdrawing); they create
  cases taken by phone or on site (channel ``field``) or from other systems (``open311``).
- An integration stands for another system and creates cases on its own channel only:
  - an Open311 API key (channel ``open311``) creates cases and does nothing else;
  - the 12345 hotline import (channel ``12345``) also acts on its own work orders, as the hotline platform
    reports them: each forwarding (转办), a new deadline (延期), and the results it carries (受理, 派遣 to the
    case's own team, 办结, 返工 and the satisfaction of the hotline's return call, 回访满意度).
- Staff and the hotline register cases taken elsewhere, so their new cases may say when the appeal was really
  made, its deadline, its priority, and whether the caller is confidential (是否保密) or wants a call back (是否回复).

A refusal is a value ``(error code, Chinese message)``; the engine records the mutation as rejected with it.
"""
from __future__ import annotations

from typing import Any

from sync.actor import INTEGRATION, KIOSK, RESIDENT, Actor
from sync.names import CHANNEL, ROLE, E, M

Refusal = tuple[str, str]

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
        return _NOT_ALLOWED if name in (M.rate, M.withdraw) else None
    return _NOT_ALLOWED


def owns_photo(actor: Actor, uploaded: dict[str, Any]) -> bool:
    """Whether ``uploaded`` (a photo or upload row: its ``client_id`` and ``user_id``) is the caller's own: a staff
    member's upload belongs to their user (any of their devices), anyone else's to the client id that sent it."""
    if actor.is_staff:
        return uploaded["user_id"] is not None and uploaded["user_id"] == actor.user_id
    return uploaded["user_id"] is None and uploaded["client_id"] == actor.client_id
