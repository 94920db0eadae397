"""SQL for photos: one row per uploaded photo, the re-encoded JPEG as a BLOB."""
from __future__ import annotations

from server.storage.db import Database, Row


async def insert_photo(db: Database, photo_id: str, jpeg: bytes, width: int, height: int, sha256: str,
                       client_id: str | None, upload_key: str | None) -> str:
    """Store a photo; a repeat of one client's upload key returns the id stored the first time."""
    async with db.write() as tx:
        if client_id is not None and upload_key is not None:
            row = await tx.fetchone("SELECT id FROM photos WHERE client_id = ? AND upload_key = ?",
                                    (client_id, upload_key))
            if row is not None:
                return str(row[0])
        await tx.execute(
            "INSERT INTO photos(id, jpeg, width, height, bytes, sha256, client_id, upload_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (photo_id, jpeg, width, height, len(jpeg), sha256, client_id, upload_key),
        )
    return photo_id


async def get_photo(db: Database, photo_id: str) -> Row | None:
    return await db.fetchone("SELECT id, jpeg, width, height, sha256, client_id FROM photos WHERE id = ?",
                             (photo_id,))
