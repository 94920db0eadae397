"""SQL for the resident's tracking key: the case behind a ``track_token``."""
from __future__ import annotations

from server.storage.db import Database, Row


async def case_by_track_token(db: Database, token: str) -> Row | None:
    return await db.fetchone("SELECT id, number, status FROM cases WHERE track_token = ?", (token,))
