"""Cases and their event log for stream tests, written the way the sync code writes them: one transaction
appends the event and moves the case, and the events are published right after the commit.

Stand-in until branch ``sync-py`` brings the real ``cases`` and ``events`` tables; the columns are the ones
it announced.
"""
from __future__ import annotations

import json
from typing import Any

from server.storage import Database

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, number TEXT NOT NULL, track_token TEXT UNIQUE,"
    " site TEXT, community TEXT, team TEXT, status TEXT NOT NULL, contact_name TEXT, contact_phone TEXT)",
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL,"
    " type TEXT NOT NULL, actor TEXT, payload TEXT, hlc TEXT, client_id TEXT, mid INTEGER,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
)


async def create_tables(db: Database) -> None:
    async with db.write() as conn:
        for sql in SCHEMA:
            await conn.execute(sql)


async def add_case(db: Database, hub: Any, case_id: str, *, site: str = "BL-TX-001", community: str = "天鑫社区",
                   team: str = "TX-WG", track_token: str | None = None, phone: str = "13800000000",
                   name: str = "王芳") -> dict[str, Any]:
    """A new case with its ``case.create`` event, published."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO cases(id, number, track_token, site, community, team, status, contact_name, contact_phone)"
            " VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?)",
            (case_id, f"BL-{case_id}", track_token, site, community, team, name, phone))
        event = await _append(conn, case_id, "case.create", {"contact": {"name": name, "phone": phone}})
    hub.publish([event])
    return event


async def move(db: Database, hub: Any, case_id: str, type: str, status: str | None = None,
               team: str | None = None) -> dict[str, Any]:
    """One more event on a case (optionally changing its status or team), published."""
    async with db.write() as conn:
        if status is not None:
            await conn.execute("UPDATE cases SET status = ? WHERE id = ?", (status, case_id))
        if team is not None:
            await conn.execute("UPDATE cases SET team = ? WHERE id = ?", (team, case_id))
        event = await _append(conn, case_id, type, {"by": "调度员 刘洋"})
    hub.publish([event])
    return event


async def _append(conn: Any, case_id: str, type: str, payload: dict[str, Any]) -> dict[str, Any]:
    cur = await conn.execute("INSERT INTO events(case_id, type, actor, payload) VALUES (?, ?, ?, ?)",
                             (case_id, type, json.dumps({"name": "调度员 刘洋"}), json.dumps(payload)))
    row = await (await conn.execute(
        "SELECT e.seq, e.type, e.case_id, e.created_at, c.site, c.community, c.team, c.status"
        " FROM events e JOIN cases c ON c.id = e.case_id WHERE e.seq = ?", (cur.lastrowid,))).fetchone()
    return dict(row)
