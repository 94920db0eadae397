"""SQL for the 12345 hotline: its work orders beside our cases, their forwardings (转办) from the event log, the
category mapping table, and the export's rows."""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from server.storage.db import Database, Row, Tx
from server.storage.engine import case_from_row
from sync.fold import CASE_FIELDS

_CASE_COLUMNS = ", ".join(f"c.{f}" for f in CASE_FIELDS)


def _marks(n: int) -> str:
    return ", ".join("?" * n)


# --- the mapping table ----------------------------------------------------------------------------------------

async def mappings(db: Database) -> list[Row]:
    return await db.fetchall("SELECT hotline, category FROM hotline_categories ORDER BY hotline")


async def mappings_in(tx: Tx) -> dict[str, str]:
    return {r[0]: r[1] for r in await tx.fetchall("SELECT hotline, category FROM hotline_categories")}


async def replace_mappings(tx: Tx, rows: Iterable[tuple[str, str]]) -> None:
    await tx.execute("DELETE FROM hotline_categories")
    await tx.executemany("INSERT INTO hotline_categories(hotline, category) VALUES (?, ?)", list(rows))


async def set_mapping(tx: Tx, hotline: str, category: str) -> None:
    await tx.execute("INSERT INTO hotline_categories(hotline, category) VALUES (?, ?)"
                       " ON CONFLICT(hotline) DO UPDATE SET category = excluded.category", (hotline, category))


async def remove_mapping(tx: Tx, hotline: str) -> bool:
    return await tx.execute("DELETE FROM hotline_categories WHERE hotline = ?", (hotline,)) == 1


async def add_missing_mappings(tx: Tx, rows: Iterable[tuple[str, str]]) -> int:
    added = 0
    for hotline, category in rows:
        added += await tx.execute("INSERT INTO hotline_categories(hotline, category) VALUES (?, ?)"
                                  " ON CONFLICT DO NOTHING", (hotline, category))
    return added


# --- the import, inside its write transaction -----------------------------------------------------------------

async def known_orders(tx: Tx, numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Order number → the case (the fold's dict) of each work order already imported."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(numbers), 500):  # both engines limit the parameters of one statement
        chunk = numbers[start:start + 500]
        rows = await tx.fetchall(
            f"SELECT h.order_no, {_CASE_COLUMNS} FROM hotline_orders h JOIN cases c ON c.id = h.case_id"
            f" WHERE h.order_no IN ({_marks(len(chunk))})", list(chunk))
        found.update((r[0], case_from_row(tuple(r)[1:])) for r in rows)
    return found


async def transfers_of(tx: Tx, case_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Case id → the payloads of its forwardings (case.transfer events), in log order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start:start + 500]
        rows = await tx.fetchall(
            f"SELECT case_id, payload FROM events WHERE type = 'case.transfer' AND case_id IN ({_marks(len(chunk))})"
            " ORDER BY seq", list(chunk))
        for case_id, payload in rows:
            found.setdefault(case_id, []).append(json.loads(payload))
    return found


async def insert_order(tx: Tx, order: dict[str, Any]) -> None:
    await tx.execute(
        "INSERT INTO hotline_orders(order_no, case_id, category, urgency, call_type, intake_channel, imported_at)"
        " VALUES (:order_no, :case_id, :category, :urgency, :call_type, :intake_channel, :imported_at)", order)


# --- reads ----------------------------------------------------------------------------------------------------

async def order_of_case(db: Database, case_id: str) -> Row | None:
    """What the hotline says of a case (None for a case that is no work order)."""
    return await db.fetchone("SELECT order_no, category, urgency, call_type, intake_channel, imported_at"
                             " FROM hotline_orders WHERE case_id = ?", (case_id,))


async def export_rows(db: Database, start: str | None, before: str | None) -> tuple[list[Row], list[Row]]:
    """The work orders received in ``[start, before)`` with our results, and their forwardings in time order."""
    where, params = "WHERE 1 = 1", []
    for condition, value in (("c.created_at >= ?", start), ("c.created_at < ?", before)):
        if value is not None:
            where += f" AND {condition}"
            params.append(value)
    orders = await db.fetchall(
        "SELECT h.order_no, h.category AS hotline_category, h.urgency, h.call_type, h.intake_channel, c.id,"
        " c.contact_name, c.contact_phone, c.description, c.created_at, c.confidential, c.callback,"
        " COALESCE(c.extended_until, c.resolution_due) AS deadline, c.resolution, c.resolved_at, c.rating,"
        f" c.rework_count FROM hotline_orders h JOIN cases c ON c.id = h.case_id {where}"
        " ORDER BY c.created_at, h.order_no", params)
    transfers = await db.fetchall(
        f"SELECT e.case_id, {db.dialect.json_text('e.payload', 'unit')} AS unit,"
        f" {db.dialect.json_text('e.payload', 'at')} AS at, {db.dialect.json_text('e.payload', 'opinion')} AS opinion"
        " FROM events e JOIN hotline_orders h ON h.case_id = e.case_id"
        f" JOIN cases c ON c.id = e.case_id {where} AND e.type = 'case.transfer' ORDER BY at, e.seq", params)
    return orders, transfers
