"""``GET /api/export/12345.csv``: the work orders received in a period, in the import's columns plus our results.

One row per forwarding (转办) of an order, in time order, the order's other cells repeated; an order never forwarded
has one row with the three 转办 cells empty. That is the shape the import reads back: exporting and importing into
a fresh database gives the same export. Written by ``server.spreadsheet`` like every CSV of ours: UTF-8 with a
byte-order mark (for Excel), and a cell that a spreadsheet would run as a formula prefixed with an apostrophe,
which the import removes again (``spreadsheet.read_cell``).
"""
from __future__ import annotations

from typing import Any

from server import spreadsheet
from server.hotline import fields as F
from server.storage import Database, hotline
from sync.names import RATINGS


def _cells(order: Any, transfer: Any) -> dict[str, str]:
    return {
        F.ORDER_NO: order["order_no"], F.CALLER: order["contact_name"] or "", F.PHONE: order["contact_phone"] or "",
        F.CATEGORY: order["hotline_category"], F.URGENCY: order["urgency"], F.CALL_TYPE: order["call_type"],
        F.INTAKE: order["intake_channel"], F.CONTENT: order["description"], F.RECEIVED: F.local(order["created_at"]),
        F.CONFIDENTIAL: "是" if order["confidential"] else "否", F.CALLBACK: "是" if order["callback"] else "否",
        F.UNIT: transfer["unit"] if transfer else "", F.TRANSFERRED: F.local(transfer["at"]) if transfer else "",
        F.OPINION: (transfer["opinion"] or "") if transfer else "", F.DEADLINE: F.local(order["deadline"]),
        F.RESULT: order["resolution"] or "", F.RESOLVED: F.local(order["resolved_at"]),
        F.SATISFACTION: RATINGS.get(order["rating"], "") if order["rating"] else "",
        F.REWORKS: str(order["rework_count"]),
    }


async def export_csv(db: Database, start: str | None, before: str | None) -> bytes:
    """The export of the orders received in ``[start, before)`` (UTC ISO strings; None: unbounded)."""
    orders, transfers = await hotline.export_rows(db, start, before)
    by_case: dict[str, list[Any]] = {}
    for t in transfers:
        by_case.setdefault(t["case_id"], []).append(t)
    rows: list[list[str]] = [list(F.EXPORT_FIELDS)]
    for order in orders:
        for transfer in by_case.get(order["id"]) or [None]:
            cells = _cells(order, transfer)
            rows.append([cells[k] for k in F.EXPORT_FIELDS])
    return spreadsheet.to_csv(rows).encode("utf-8")
