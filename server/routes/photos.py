"""Photos: ``POST /api/photos`` (public, for residents and staff) and ``GET /api/photos/{id}``.

The body of an upload is the image itself (``Content-Type: image/…``). A client may send
``X-Upload-Key`` (32 hex digits, its own random key for this photo): a retried upload whose answer was
lost then returns the same ``photo_id`` instead of storing the photo twice. Uploads are whole-file;
resumable uploads for field phones on poor signal are not built yet.
"""
from __future__ import annotations

import asyncio
import re
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import photos, ratelimit
from server.auth import staff_from_request
from server.errors import ApiError
from server.storage import case_track
from server.storage import photos as photo_store

HEX128 = re.compile(r"^[0-9a-f]{32}$")


def _client_id(request: Request) -> str | None:
    value = request.headers.get("x-client-id")
    if value is None:
        return None
    if not HEX128.match(value):
        raise ApiError(400, "bad_request", "X-Client-Id 应为 32 位十六进制数")
    return value


async def _read_limited(request: Request, max_bytes: int) -> bytes:
    too_large = ApiError(413, "photo_too_large", f"照片不能超过 {max_bytes // (1024 * 1024)} MB")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: Request) -> JSONResponse:
    config = request.app.state.config
    client_id = _client_id(request)
    upload_key = request.headers.get("x-upload-key")
    if upload_key is not None and not HEX128.match(upload_key):
        raise ApiError(400, "bad_request", "X-Upload-Key 应为 32 位十六进制数")
    if await staff_from_request(request) is None:
        ratelimit.enforce(request, "photo", "上传照片过于频繁", client_id=client_id,
                          per_client=config.rate_photos_per_client, per_address=config.rate_photos_per_address)
    data = await _read_limited(request, config.photo_max_mb * 1024 * 1024)
    if not data:
        raise ApiError(400, "photo_empty", "没有收到照片，请重新选择")
    try:
        result = await asyncio.to_thread(photos.reencode, data, long_edge=config.photo_long_edge,
                                         max_pixels=config.photo_max_pixels, quality=config.photo_jpeg_quality)
    except photos.TooManyPixels:
        raise ApiError(413, "photo_too_many_pixels", "照片像素过多，请换一张或截图后再传") from None
    except photos.NotAnImage:
        raise ApiError(415, "not_an_image", "文件不是图片，请选择照片（JPEG 或 PNG）") from None
    photo_id = await photo_store.insert_photo(request.app.state.db, secrets.token_hex(16), result.jpeg,
                                              result.width, result.height, result.sha256, client_id, upload_key)
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
    return token is not None and HEX128.match(token) is not None and await case_track.photo_shown_with_token(
        request.app.state.db, row["id"], token)


async def download(request: Request) -> Response:
    photo_id = request.path_params["photo_id"]
    row = await photo_store.get_photo(request.app.state.db, photo_id) if HEX128.match(photo_id) else None
    if row is None or not await may_see(request, row):
        # The same answer for "no such photo" and "not yours": an id reveals nothing.
        raise ApiError(404, "photo_not_found", "找不到该照片")
    etag = f'"{row["sha256"][:32]}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(row["jpeg"], media_type="image/jpeg", headers=headers)


routes = [
    Route("/api/photos", upload, methods=["POST"]),
    Route("/api/photos/{photo_id}", download),
]
