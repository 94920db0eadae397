"""SQL for the working-day calendar: holidays and make-up working days (``calendar_days``)."""
from __future__ import annotations

from datetime import date

import aiosqlite

from server.storage.db import Database, Row


async def overrides(db: Database) -> dict[date, bool]:
    """Every listed day → whether it is a working day."""
    rows = await db.fetchall("SELECT day, workday FROM calendar_days")
    return {date.fromisoformat(r["day"]): bool(r["workday"]) for r in rows}


async def list_days(db: Database, year: int | None = None) -> list[Row]:
    if year is None:
        return await db.fetchall("SELECT day, workday, name FROM calendar_days ORDER BY day")
    return await db.fetchall("SELECT day, workday, name FROM calendar_days WHERE substr(day, 1, 4) = ? ORDER BY day",
                             (f"{year:04d}",))


async def put_day(conn: aiosqlite.Connection, day: date, workday: bool, name: str) -> None:
    await conn.execute(
        "INSERT INTO calendar_days(day, workday, name) VALUES (?, ?, ?)"
        " ON CONFLICT(day) DO UPDATE SET workday = excluded.workday, name = excluded.name",
        (day.isoformat(), int(workday), name))


async def delete_day(conn: aiosqlite.Connection, day: date) -> bool:
    cur = await conn.execute("DELETE FROM calendar_days WHERE day = ?", (day.isoformat(),))
    return cur.rowcount == 1
