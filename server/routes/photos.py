"""Photos: ``POST /api/photos`` (whole-file upload) and ``GET /api/photos/{id}`` (``?size=small``: the rendition).

New clients upload resumably under ``/api/uploads/`` (``server/routes/uploads.py``). The whole-file route stays
for apps still running an older cached version; it names the uploader and processes the file exactly as a
finished resumable upload does (``server.media``). The body is the image itself (``Content-Type: image/…``). A
client may send ``X-Upload-Key`` (32 hex digits, its own random key for this photo): a retried upload whose
answer was lost then returns the same ``photo_id`` instead of storing the photo twice.
"""
from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import media, ratelimit
from server.auth import staff_from_request
from server.errors import ApiError
from server.media import HEX128
from server.storage import case_track
from server.storage import photos as photo_store


async def _read_limited(request: Request, max_mb: int) -> bytes:
    max_bytes = max_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise media.too_large(max_mb)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise media.too_large(max_mb)
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: Request) -> JSONResponse:
    config = request.app.state.config
    owner = await media.uploader(request)
    upload_key = request.headers.get("x-upload-key")
    if upload_key is not None and not HEX128.fullmatch(upload_key):
        raise ApiError(400, "bad_request", "X-Upload-Key 应为 32 位十六进制数")
    if not owner.is_staff:
        await ratelimit.enforce(request, "photo", "上传照片过于频繁", client_id=owner.client_id,
                                per_client=config.rate_photos_per_client, per_address=config.rate_photos_per_address)
    data = await _read_limited(request, config.photo_max_mb)
    result = await media.process_photo(request.app.state, data)
    photo_id = await photo_store.insert_photo(request.app.state.db, secrets.token_hex(16), result, owner, upload_key)
    return JSONResponse({"photo_id": photo_id, "width": result.width, "height": result.height,
                         "bytes": len(result.jpeg)}, status_code=201)


async def may_see(request: Request, row) -> bool:  # type: ignore[no-untyped-def]
    """Staff see every photo; a client sees the photos it uploaded; whoever holds a case's track token
    (``?token=``, as on the tracking page) sees the photos that case shows its reporter."""
    if await staff_from_request(request) is not None:
        return True
    client_id = request.headers.get("x-client-id")
    if client_id is not None and client_id == row["client_id"]:
        return True
    token = request.query_params.get("token")
    return token is not None and HEX128.fullmatch(token) is not None and await case_track.photo_shown_with_token(
        request.app.state.db, row["id"], token)


async def download(request: Request) -> Response:
    photo_id = request.path_params["photo_id"]
    size = request.query_params.get("size", "full")
    if size not in ("full", "small"):
        raise ApiError(400, "bad_request", "size 只能是 full 或 small")
    small = size == "small"
    db = request.app.state.db
    row = await photo_store.get_photo(db, photo_id, small) if HEX128.fullmatch(photo_id) else None
    if row is None or not await may_see(request, row):
        # The same answer for "no such photo" and "not yours": an id reveals nothing.
        raise ApiError(404, "photo_not_found", "找不到该照片")
    data = row["data"]
    if data is None:  # a photo stored before renditions were made at upload: make it once, keep it
        full = await photo_store.get_photo(db, photo_id)
        assert full is not None
        data = await media.rendition(request.app.state, full["data"])
        await photo_store.set_rendition(db, photo_id, data)
    etag = f'"{row["sha256"][:32]}{"-s" if small else ""}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="image/jpeg", headers=headers)


routes = [
    Route("/api/photos", upload, methods=["POST"]),
    Route("/api/photos/{photo_id}", download),
]
