"""SQL for the resident's view of one case by its track token: the case, its log, and which photos it shows."""
from __future__ import annotations

from typing import Any

from server.storage.db import Database
from server.storage.engine import event_from_row

_EVENTS = "seq, case_id, type, actor, payload, hlc, client_id, mid, created_at"


async def events_of(db: Database, case_id: str) -> list[dict[str, Any]]:
    """Every event of one case in commit order."""
    rows = await db.fetchall(f"SELECT {_EVENTS} FROM events WHERE case_id = ? ORDER BY seq", (case_id,))
    return [event_from_row(r) for r in rows]


async def site_name(db: Database, code: str) -> str | None:
    row = await db.fetchone("SELECT name FROM sites WHERE code = ?", (code,))
    return row["name"] if row is not None else None


async def photo_shown_with_token(db: Database, photo_id: str, token: str) -> bool:
    """Whether the case behind ``token`` shows ``photo_id`` to its reporter: a photo of the report, or one that
    is public on the case (the resolution's, a note of the reporter's). Staff-only photos are not."""
    has = db.dialect.json_array_has
    row = await db.fetchone(
        f"SELECT 1 FROM cases c WHERE c.track_token = :token AND ({has('c.photos', ':photo')}"
        " OR EXISTS (SELECT 1 FROM case_photos p WHERE p.case_id = c.id AND p.photo_id = :photo AND p.public = 1)"
        " OR EXISTS (SELECT 1 FROM case_notes n"
        f"           WHERE n.case_id = c.id AND n.public = 1 AND {has('n.photos', ':photo')}))",
        {"token": token, "photo": photo_id})
    return row is not None
