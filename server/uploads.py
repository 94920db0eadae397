"""Resumable uploads (tus 1.0.0: core, creation, expiration, termination): the work behind ``/api/uploads/``.

An upload belongs to the caller that created it (``sync.rights.owns_photo``); anyone else is told it does not
exist. Bytes are kept in the database as they arrive (``upload_chunks``), committed before a chunk is
acknowledged, so a ``204`` survives a crash of the server. When the last byte is in, the file is processed like
any photo (``server.media``) and only then becomes a photo with an id that mutations may name; a file that can
never be a photo is refused for good, and says so on every later request. Unfinished uploads expire and are
deleted by :func:`sweep_forever`, which the application runs for as long as it serves.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import re
import secrets
import time
from dataclasses import dataclass
from email.utils import formatdate
from typing import AsyncIterator
from urllib.parse import quote

from starlette.datastructures import State
from starlette.requests import ClientDisconnect

from server import media
from server.errors import ApiError
from server.storage import uploads as store
from sync.actor import RESIDENT, STAFF, Actor
from sync.rights import owns_photo

log = logging.getLogger(__name__)

KINDS = ("photo", "voice")
# Bytes held in memory before they are written: a large PATCH (a client that sends the whole file at once)
# is stored piece by piece, so memory stays bounded and a cut keeps what arrived.
FLUSH_BYTES = 1024 * 1024
_KEY = re.compile(r"[A-Za-z0-9._-]{1,64}")
_MAX_METADATA = 4096


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def http_date(ms: int) -> str:
    """RFC 7231 date (``Wed, 25 Jun 2025 16:00:00 GMT``), as ``Upload-Expires`` wants it."""
    return formatdate(ms / 1000, usegmt=True)


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64(value)`` pairs (the value may be left out)."""
    if not header:
        return {}
    if len(header) > _MAX_METADATA:
        raise ApiError(400, "bad_metadata", "Upload-Metadata 过长")
    found: dict[str, str] = {}
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _KEY.fullmatch(parts[0]) or parts[0] in found:
            raise ApiError(400, "bad_metadata", "Upload-Metadata 格式不正确")
        try:
            found[parts[0]] = base64.b64decode(parts[1], validate=True).decode("utf-8") if len(parts) == 2 else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(400, "bad_metadata", f"Upload-Metadata 中 {parts[0]} 的值不是有效的 Base64 文本") from None
    return found


class Refused(ApiError):
    """A file that can never be processed: refused for good, on the request that finished it and on every later
    one. The code (and the message, percent-encoded UTF-8) are also headers, since a HEAD answer has no body."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(status, error, message)
        self.headers.update({"Upload-Error": error, "Upload-Error-Message": quote(message),
                             "Cache-Control": "no-store"})


@dataclass(frozen=True)
class Upload:
    id: str
    kind: str
    length: int
    received: int
    metadata: str
    client_id: str | None
    user_id: int | None
    expires_ms: int
    media_id: str | None
    error: str | None
    message: str | None
    status: int | None

    @property
    def refusal(self) -> Refused | None:
        """The permanent refusal of a file that could never be processed, or None."""
        if self.error is None:
            return None
        return Refused(self.status or 422, self.error, self.message or "")

    @property
    def complete(self) -> bool:
        return self.received == self.length


def kind_of(state: State, length: int, metadata_header: str | None) -> str:
    """The kind of a new upload of ``length`` bytes, or the 400/413/415 that refuses it for good."""
    kind = parse_metadata(metadata_header).get("kind")
    if kind not in KINDS:
        raise ApiError(400, "bad_metadata", "Upload-Metadata 必须包含 kind（photo 或 voice）")
    if kind == "voice":
        raise ApiError(415, "voice_not_supported", "暂不支持上传语音，请用文字描述")
    max_mb = state.config.photo_max_mb
    if length > max_mb * 1024 * 1024:
        raise media.too_large(max_mb)
    if length == 0:
        raise ApiError(400, "photo_empty", "没有收到照片，请重新选择")
    return kind


async def create(state: State, owner: Actor, kind: str, length: int, metadata_header: str | None) -> Upload:
    """A new, empty upload of ``length`` bytes owned by ``owner`` (check it with :func:`kind_of` first)."""
    upload_id = secrets.token_hex(16)
    expires = now_ms() + expiry_ms(state)
    await state.writes.run(lambda conn: store.insert(conn, upload_id, kind, length, metadata_header or "", owner,
                                                     expires))
    return Upload(upload_id, kind, length, 0, metadata_header or "", owner.client_id or None,
                  owner.user_id if owner.is_staff else None, expires, None, None, None, None)


def expiry_ms(state: State) -> int:
    return int(state.config.upload_expire_hours * 3600 * 1000)


async def find(state: State, upload_id: str, owner: Actor) -> Upload:
    """The caller's own upload; 404 when there is none (or it is someone else's), 410 when it expired."""
    row = await store.get(state.db, upload_id) if media.HEX128.fullmatch(upload_id) else None
    if row is None or not owns_photo(owner, row):
        raise ApiError(404, "upload_not_found", "找不到该上传，请重新上传")
    upload = Upload(**row)
    if upload.media_id is None and upload.error is None and upload.expires_ms < now_ms():
        raise ApiError(410, "upload_expired", "上传已过期，请重新上传")
    return upload


async def receive(state: State, upload: Upload, start: int, body: AsyncIterator[bytes],
                  declared: int | None) -> Upload:
    """Append the request body at offset ``start``, writing every ``FLUSH_BYTES`` and whatever arrived before a
    cut; finishes the upload when its last byte is in. Returns the upload as it then stands."""
    if upload.refusal is not None:
        raise upload.refusal
    if start != upload.received:
        raise _mismatch(upload.received)
    if declared is not None and start + declared > upload.length:
        raise ApiError(413, "upload_too_long", "上传内容超出声明的 Upload-Length")
    offset, buffer = start, bytearray()
    try:
        async for piece in body:
            buffer += piece
            if offset + len(buffer) > upload.length:
                del buffer[upload.length - offset:]
                await _flush(state, upload, offset, buffer)
                raise ApiError(413, "upload_too_long", "上传内容超出声明的 Upload-Length")
            if len(buffer) >= FLUSH_BYTES:
                offset = await _flush(state, upload, offset, buffer)
                buffer.clear()
    except ClientDisconnect:
        # The tus way: keep what arrived; the client asks for the offset (HEAD) and sends only the rest.
        await _flush(state, upload, offset, buffer)
        raise
    offset = await _flush(state, upload, offset, buffer)
    upload = _at(upload, offset)
    return await finish(state, upload) if upload.complete else upload


async def _flush(state: State, upload: Upload, start: int, data: bytearray) -> int:
    if not data:
        return start
    chunk, expires = bytes(data), now_ms() + expiry_ms(state)
    offset = await state.writes.run(lambda conn: store.append(conn, upload.id, start, chunk, expires))
    if offset is None:  # another request for this upload got there first
        current = await store.get(state.db, upload.id)
        raise _mismatch(current["received"] if current else start)
    return int(offset)


def _mismatch(received: int) -> ApiError:
    error = ApiError(409, "offset_mismatch", f"上传位置不符，服务器已收到 {received} 字节，请从该位置继续",
                     offset=received)
    error.headers["Upload-Offset"] = str(received)
    return error


def _at(upload: Upload, received: int) -> Upload:
    return Upload(**{**upload.__dict__, "received": received})


async def finish(state: State, upload: Upload) -> Upload:
    """Process a complete upload once (a HEAD or PATCH arriving meanwhile waits for the same work)."""
    if upload.media_id is not None or upload.refusal is not None or not upload.complete:
        return upload
    running: dict[str, asyncio.Task[Upload]] = state.finishing
    task = running.get(upload.id)
    if task is None:
        task = running[upload.id] = asyncio.ensure_future(_process(state, upload))
        task.add_done_callback(lambda _: running.pop(upload.id, None))
    # Shielded: a client that hangs up does not stop the work, which the next HEAD would otherwise redo.
    return await asyncio.shield(task)


async def _process(state: State, upload: Upload) -> Upload:
    owner = Actor(STAFF if upload.user_id is not None else RESIDENT, upload.client_id or "", user_id=upload.user_id)
    data = await store.content(state.db, upload.id)
    try:
        if len(data) != upload.length:
            raise RuntimeError(f"upload {upload.id} holds {len(data)} of {upload.length} bytes")
        photo = await media.process_photo(state, data)
    except ApiError as refused:
        await state.writes.run(lambda conn: store.refuse(conn, upload.id, refused.status, refused.error,
                                                         refused.message))
        raise Refused(refused.status, refused.error, refused.message) from None
    photo_id = secrets.token_hex(16)
    stored = await state.writes.run(lambda conn: store.complete(conn, upload.id, photo_id, photo, owner))
    if stored is None:
        raise ApiError(404, "upload_not_found", "找不到该上传，请重新上传")
    return Upload(**{**upload.__dict__, "media_id": stored})


async def terminate(state: State, upload: Upload) -> None:
    """Delete the upload and its bytes; a photo it already became stays (a mutation may name it)."""
    await state.writes.run(lambda conn: store.delete(conn, upload.id))


async def sweep_forever(state: State, stop: asyncio.Event) -> None:
    """Delete expired uploads now and every ``upload_sweep_minutes`` until ``stop`` is set. A sweep under way is
    finished, not cancelled, so the database is never closed under it."""
    every_s = max(0.05, state.config.upload_sweep_minutes * 60)
    while not stop.is_set():
        try:
            cutoff = now_ms()
            gone = await state.writes.run(lambda conn: store.delete_expired(conn, cutoff))
            if gone:
                log.info("deleted %d expired uploads", gone)
        except Exception:
            log.exception("could not delete expired uploads; trying again later")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
