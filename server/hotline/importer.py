"""``mashangban import-12345 FILE``: the hotline's work orders become cases (channel ``12345``), all or nothing.

Everything is written in one transaction through the sync engine, by an integration actor that stands for the
hotline (``sync.rights``): a file that cannot be imported whole changes nothing and names each bad line.

- A new work order (工单编号 not seen before) is created as a case: 主要内容 its description, 来电人 and 联系电话 its
  contact, 受理时间 when it was submitted, 办结时限 its resolution deadline, 紧急程度 its priority, 是否保密 and 是否回复
  its marks, and our category from the mapping table (``server.hotline.mapping``). The hotline's own category,
  urgency, call type and intake channel are kept beside it (``hotline_orders``).
- Each forwarding (办理单位, 转办时间, 转办意见) not yet recorded is a ``case.transfer`` event.
- A later 办结时限 moves the deadline (``case.extend``) while the case is being handled.
- Results the file carries that the case has not reached yet (办理结果 and 办结时间, 满意度 from the hotline's return
  call, 返工次数) are brought about with the lifecycle's own steps: accepted and dispatched to the case's own team,
  resolved, reopened once per rework, rated. This is how an export imports into a fresh database unchanged.
- Anything else a later file says differently of a known order is left as it is: our record is the one we work on.

Importing the same file again finds nothing to do.
"""
from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from server.deadlines import parse_time
from server.hotline import mapping
from server.hotline.reader import Order, Transfer, read_orders
from server.sites import ImportRejected, RowError
from server.storage import Database, hotline, reference
from sync.actor import INTEGRATION, Actor
from sync.apply import Options, apply_next
from sync.dates import iso
from sync.lifecycle import RUNNING
from sync.names import CHANNEL, RATING, R, S, M

REWORK_REASON = "12345 工单记录的返工"
EXTEND_REASON = "12345 热线调整办结时限"


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    notes: list[str] = field(default_factory=list)  # what a known order's file said that was not applied


def _ms(stored: str) -> int:
    return round(parse_time(stored).timestamp() * 1000)


class _Stamps:
    """HLCs for the import's steps: each at the time the step happened, distinct and in order within a time."""

    def __init__(self) -> None:
        self.counters: dict[int, int] = {}

    def at(self, ms: int) -> str:
        counter = self.counters.get(ms, -1) + 1
        self.counters[ms] = counter
        return f"{ms:013d}-{counter:04x}"


def _create(order: Order, site: str, category: str, hlc: str) -> dict[str, Any]:
    contact = {"name": order.caller, "phone": order.phone} if (order.caller or order.phone) else None
    args = {"id": str(uuid.uuid4()), "track_token": secrets.token_hex(16), "site": site, "category": category,
            "description": order.content, "contact": contact, "channel": CHANNEL._12345, "priority": order.priority,
            "submitted_at": order.received_at, "resolution_due": order.deadline, "confidential": order.confidential,
            "callback": order.callback}
    return {"name": M.create, "args": args, "hlc": hlc}


def _step(name: str, case_id: str, hlc: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": {"id": case_id, **args}, "hlc": hlc}


def plan_results(order: Order, case: dict[str, Any], stamps: _Stamps) -> list[dict[str, Any]]:
    """The lifecycle steps that bring ``case`` to the results ``order`` reports (none when it is there or past)."""
    status, reworks = case["status"], case["rework_count"]
    rated_unsatisfied = case["rating"] == RATING.unsatisfied
    wants = order.result is not None or order.reworks > reworks or order.rating is not None
    if not wants or status in (S.rejected, S.duplicate, S.withdrawn, S.closed):
        return []
    cid, received = case["id"], _ms(case["created_at"])
    done_ms = _ms(order.resolved_at) if order.resolved_at else received
    text = order.result or "（12345 工单记录）"
    steps = []
    if status == S.submitted:
        steps.append(_step(M.accept, cid, stamps.at(received)))
        status = S.accepted
    if status == S.accepted:
        steps.append(_step(M.dispatch, cid, stamps.at(received), team=case["team"]))
        status = S.dispatched
    while reworks < order.reworks and status in (S.dispatched, S.in_progress, S.resolved):
        if status != S.resolved:
            steps.append(_step(M.resolve, cid, stamps.at(done_ms), text=text))
        # The hotline's return call found the resolution wanting: that was the last rework.
        if reworks == order.reworks - 1 and order.rating == RATING.unsatisfied and not rated_unsatisfied:
            steps.append(_step(M.rate, cid, stamps.at(done_ms), rating=RATING.unsatisfied))
            rated_unsatisfied = True
        else:
            steps.append(_step(M.reopen, cid, stamps.at(done_ms), reason=REWORK_REASON))
        status, reworks = S.dispatched, reworks + 1
    if order.resolved_at is not None and status in (S.dispatched, S.in_progress):
        steps.append(_step(M.resolve, cid, stamps.at(done_ms), text=text))
        status = S.resolved
    if order.rating not in (None, RATING.unsatisfied) and status == S.resolved:
        steps.append(_step(M.rate, cid, stamps.at(done_ms), rating=order.rating))
    return steps


def _transfers(order: Order, case_id: str, recorded: list[dict[str, Any]], stamps: _Stamps,
               now_ms: int) -> list[dict[str, Any]]:
    known = {Transfer(t["unit"], t["at"], t.get("opinion")) for t in recorded}
    return [_step(M.transfer, case_id, stamps.at(now_ms), unit=t.unit, at=t.at, opinion=t.opinion)
            for t in sorted(order.transfers, key=lambda t: t.at) if t not in known]


def _deadline(order: Order, case: dict[str, Any], stamps: _Stamps, now_ms: int, summary: Summary) -> list[dict[str, Any]]:
    current = case["extended_until"] or case["resolution_due"]
    if order.deadline is None or order.deadline <= current:
        return []  # the same, or one our own extension has already passed
    if case["status"] not in RUNNING:
        summary.notes.append(f"工单 {order.number}：新的办结时限未采用（案件当前状态不计办结时限）")
        return []
    return [_step(M.extend, case["id"], stamps.at(now_ms), until=order.deadline, reason=EXTEND_REASON)]


async def import_file(db: Database, data: bytes, site: str, options: Options = Options()) -> Summary:
    """Import a 12345 file (bytes as read from disk) into ``db``; raises :class:`ImportRejected` naming every bad
    line, or ValueError for a bad ``site``."""
    orders = read_orders(data)
    now_ms = time.time_ns() // 1_000_000
    actor = Actor(INTEGRATION, secrets.token_hex(16), username="12345", channel=CHANNEL._12345)
    stamps = _Stamps()
    summary = Summary()
    async with db.write() as conn:
        site_row = await reference.get_row(conn, "sites", site)
        if site_row is None or not site_row["active"]:
            raise ValueError(f"站点“{site}”不存在或已停用")
        known = await hotline.known_orders(conn, [o.number for o in orders])
        table = await hotline.mappings_in(conn)
        creates, errors, new = [], [], []
        for order in orders:
            if order.number in known:
                continue
            category = mapping.category_for(table, order.category)
            if category is None:
                errors.append(RowError(order.line, f"分类“{order.category}”没有对应的本系统分类：请先用"
                                                   f" mashangban hotline-map set 添加映射"))
                continue
            if order.received_at > iso(now_ms):
                errors.append(RowError(order.line, "受理时间晚于当前时间"))
                continue
            creates.append(_create(order, site, category, stamps.at(now_ms)))
            new.append(order)
        if errors:
            raise ImportRejected(errors)
        if creates:
            _check(await apply_next(conn, actor, creates, now_ms, options), new)
        for order, create in zip(new, creates):
            await hotline.insert_order(conn, {
                "order_no": order.number, "case_id": create["args"]["id"], "category": order.category,
                "urgency": order.urgency, "call_type": order.call_type, "intake_channel": order.intake,
                "imported_at": iso(now_ms)})
        cases = await hotline.known_orders(conn, [o.number for o in orders])
        recorded = await hotline.transfers_of(conn, [c["id"] for c in cases.values()])
        steps, owners = [], []
        for order in orders:
            case = cases[order.number]
            mine = [*_transfers(order, case["id"], recorded.get(case["id"], []), stamps, now_ms),
                    *_deadline(order, case, stamps, now_ms, summary), *plan_results(order, case, stamps)]
            steps.extend(mine)
            owners.extend([order] * len(mine))
            if order.number not in known:
                summary.created += 1
            elif mine:
                summary.updated += 1
            else:
                summary.unchanged += 1
        if steps:
            _check(await apply_next(conn, actor, steps, now_ms, options), owners)
        summary.events = len(steps) + len(creates)
    return summary


def _check(outcome: Any, owners: list[Order]) -> None:
    """Every step must apply as planned; otherwise nothing of the file is kept and the orders are named."""
    errors = [RowError(order.line, f"工单 {order.number}：{result.get('message') or result['status']}")
              for order, result in zip(owners, outcome.results) if result["status"] != R.applied]
    if errors:
        raise ImportRejected(errors)
