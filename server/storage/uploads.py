"""SQL for resumable uploads: the upload rows and their chunks; a finished upload becomes a row of ``photos``.

Writes take the open write transaction (``GroupCommit.run``), so "check the offset,
add the chunk, advance the offset" is one atomic step: two requests for one upload cannot both append at the
same offset.
"""
from __future__ import annotations

from typing import Any

from server.photos import Reencoded
from server.storage.db import Database, Tx
from server.storage.photos import add_photo
from sync.actor import Actor

_COLUMNS = ("id, kind, length, received, metadata, client_id, user_id, expires_ms, media_id, error, message,"
            " status")


async def insert(tx: Tx, upload_id: str, kind: str, length: int, metadata: str, owner: Actor,
                 expires_ms: int) -> None:
    await tx.execute(
        "INSERT INTO uploads(id, kind, length, metadata, client_id, user_id, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (upload_id, kind, length, metadata, owner.client_id or None, owner.user_id if owner.is_staff else None,
         expires_ms))


async def get(db: Database, upload_id: str) -> dict[str, Any] | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM uploads WHERE id = ?", (upload_id,))
    return dict(row) if row is not None else None


async def append(tx: Tx, upload_id: str, start: int, data: bytes, expires_ms: int) -> int | None:
    """Add ``data`` at offset ``start`` and return the new offset; None (and nothing written) when the upload no
    longer stands at ``start`` (another request moved it, it was finished, refused or deleted)."""
    row = await tx.fetchone("SELECT received, length FROM uploads WHERE id = ? AND media_id IS NULL"
                            " AND error IS NULL", (upload_id,))
    if row is None or row[0] != start or start + len(data) > row[1]:
        return None
    if data:
        await tx.execute("INSERT INTO upload_chunks(upload_id, start, data) VALUES (?, ?, ?)",
                           (upload_id, start, data))
    await tx.execute("UPDATE uploads SET received = ?, expires_ms = ? WHERE id = ?",
                       (start + len(data), expires_ms, upload_id))
    return start + len(data)


async def content(db: Database, upload_id: str) -> bytes:
    """Every byte received so far, in order."""
    rows = await db.fetchall("SELECT data FROM upload_chunks WHERE upload_id = ? ORDER BY start", (upload_id,))
    return b"".join(r[0] for r in rows)


async def complete(tx: Tx, upload_id: str, photo_id: str, photo: Reencoded, owner: Actor) -> str | None:
    """Store the processed photo and tie it to the upload, whose chunks are then dropped; returns the photo's id
    (the one stored first, if the upload was already finished), or None if the upload is gone."""
    row = await tx.fetchone("SELECT media_id FROM uploads WHERE id = ?", (upload_id,))
    if row is None or row[0] is not None:
        return None if row is None else str(row[0])
    await add_photo(tx, photo_id, photo, owner)
    await tx.execute("UPDATE uploads SET media_id = ? WHERE id = ?", (photo_id, upload_id))
    await tx.execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
    return photo_id


async def refuse(tx: Tx, upload_id: str, status: int, error: str, message: str) -> None:
    """Mark the upload as refused for good (the file can never be processed) and drop its bytes."""
    await tx.execute("UPDATE uploads SET error = ?, message = ?, status = ? WHERE id = ? AND media_id IS NULL",
                       (error, message, status, upload_id))
    await tx.execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))


async def delete(tx: Tx, upload_id: str) -> None:
    await tx.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))  # its chunks go with it (ON DELETE CASCADE)


async def delete_expired(tx: Tx, now_ms: int) -> int:
    """Delete every upload (and its chunks) that expired before ``now_ms``; returns how many."""
    return await tx.execute("DELETE FROM uploads WHERE expires_ms < ?", (now_ms,))
