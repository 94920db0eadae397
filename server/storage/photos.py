"""SQL for photos: one row per stored photo, the re-encoded JPEG and its small rendition as BLOBs."""
from __future__ import annotations

from server.photos import Reencoded
from server.storage.db import Database, Row, Tx
from sync.actor import Actor


async def add_photo(tx: Tx, photo_id: str, photo: Reencoded, owner: Actor,
                    upload_key: str | None = None) -> None:
    """Insert a photo owned by ``owner`` inside the caller's write transaction."""
    await tx.execute(
        "INSERT INTO photos(id, jpeg, width, height, bytes, sha256, client_id, user_id, small, upload_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (photo_id, photo.jpeg, photo.width, photo.height, len(photo.jpeg), photo.sha256, owner.client_id or None,
         owner.user_id if owner.is_staff else None, photo.small, upload_key))


async def insert_photo(db: Database, photo_id: str, photo: Reencoded, owner: Actor, upload_key: str | None) -> str:
    """Store a photo; a repeat of one client's upload key returns the id stored the first time."""
    async with db.write() as tx:
        if owner.client_id and upload_key is not None:
            row = await tx.fetchone("SELECT id FROM photos WHERE client_id = ? AND upload_key = ?",
                                    (owner.client_id, upload_key))
            if row is not None:
                return str(row[0])
        await add_photo(tx, photo_id, photo, owner, upload_key)
    return photo_id


async def get_photo(db: Database, photo_id: str, small: bool = False) -> Row | None:
    """The photo's full JPEG (or its rendition, NULL for a photo stored before renditions) and who uploaded it."""
    column = "small" if small else "jpeg"
    return await db.fetchone(f"SELECT id, {column} AS data, width, height, sha256, client_id, user_id FROM photos"
                             " WHERE id = ?", (photo_id,))


async def set_rendition(db: Database, photo_id: str, small: bytes) -> None:
    async with db.write() as tx:
        await tx.execute("UPDATE photos SET small = ? WHERE id = ? AND small IS NULL", (small, photo_id))
