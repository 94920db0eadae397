"""What every way of uploading a photo shares: who the uploader is, and the processing a file goes through.

Both ``POST /api/photos`` (whole-file, for older cached apps) and the resumable uploads under ``/api/uploads/``
name the uploader with :func:`uploader` and decode with :func:`process_photo`, so a photo is owned and stripped
the same way whichever road it took.
"""
from __future__ import annotations

import re

from starlette.datastructures import State
from starlette.requests import Request

from server import photos
from server.auth.identity import actor_for
from server.errors import ApiError
from sync.actor import Actor

HEX128 = re.compile(r"[0-9a-f]{32}")


def client_id_header(request: Request) -> str | None:
    """``X-Client-Id`` if sent (400 unless 32 lowercase hex digits), else None."""
    value = request.headers.get("x-client-id")
    if value is not None and not HEX128.fullmatch(value):
        raise ApiError(400, "bad_request", "X-Client-Id 应为 32 位十六进制数")
    return value


async def uploader(request: Request) -> Actor:
    """Who is uploading: signed-in staff (session cookie or ``Authorization: Bearer``), who own their uploads as a
    user, or else a resident's browser, which must name itself with ``X-Client-Id``."""
    client_id = client_id_header(request)
    actor = await actor_for(request, client_id or "")
    if not actor.is_staff and client_id is None:
        raise ApiError(400, "bad_request", "请在 X-Client-Id 中提供本机编号（32 位十六进制数）")
    return actor


def too_large(max_mb: int) -> ApiError:
    return ApiError(413, "photo_too_large", f"照片不能超过 {max_mb} MB")


async def process_photo(state: State, data: bytes) -> photos.Reencoded:
    """Decode ``data`` (waiting for a free decode slot), strip it and shrink it; a file that can never be a photo
    raises :class:`ApiError` with a 4xx status that says so for good."""
    config = state.config
    if not data:
        raise ApiError(400, "photo_empty", "没有收到照片，请重新选择")
    try:
        return await state.decodes.run(lambda: photos.reencode(
            data, long_edge=config.photo_long_edge, max_pixels=config.photo_max_pixels,
            quality=config.photo_jpeg_quality))
    except photos.TooManyPixels:
        raise ApiError(413, "photo_too_many_pixels", "照片像素过多，请换一张或截图后再传") from None
    except photos.NotAnImage:
        raise ApiError(415, "not_an_image", "文件不是图片，请选择照片（JPEG 或 PNG）") from None


async def rendition(state: State, jpeg: bytes) -> bytes:
    """The small rendition of a photo stored before renditions were made at upload time."""
    return await state.decodes.run(lambda: photos.rendition_of(jpeg))
