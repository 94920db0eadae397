"""SQL for staff users."""
from __future__ import annotations

import aiosqlite

from server.storage.db import Database, Row

ROLES = ("admin", "dispatcher", "field")


async def existing_usernames(conn: aiosqlite.Connection) -> set[str]:
    return {r[0] for r in await conn.execute_fetchall("SELECT username FROM users")}


async def insert_user(conn: aiosqlite.Connection, username: str, display_name: str, role: str,
                      team: str | None, password_hash: str) -> int:
    cur = await conn.execute(
        "INSERT INTO users(username, display_name, role, team, password_hash) VALUES (?, ?, ?, ?, ?)",
        (username, display_name, role, team, password_hash),
    )
    return int(cur.lastrowid or 0)


async def get_user(db: Database, username: str) -> Row | None:
    return await db.fetchone("SELECT * FROM users WHERE username = ?", (username,))
