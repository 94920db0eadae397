"""Resumable uploads, tus 1.0.0 (core, creation, expiration, termination) under ``/api/uploads/``.

``OPTIONS /api/uploads/`` tells what the server supports; ``POST`` creates an upload (``Upload-Length``,
``Upload-Metadata`` with ``kind``) and answers ``201`` with its ``Location``; ``HEAD`` on that URL gives the offset
to resume from; ``PATCH`` (``application/offset+octet-stream``) appends at ``Upload-Offset``; ``DELETE`` ends it.
Every answer carries ``Tus-Resumable: 1.0.0``; errors are JSON with a Chinese message, as everywhere else. Once the
last byte is in, the answer (and every later ``HEAD``) names the stored photo in ``Upload-Media-Id``; a file that
can never be a photo is answered with a 4xx and ``Upload-Error`` on that ``PATCH`` and every later ``HEAD``.
The work is in ``server.uploads``.
"""
from __future__ import annotations

import logging
from functools import wraps
from typing import Awaitable, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from server import media, ratelimit, uploads
from server.errors import ApiError

log = logging.getLogger(__name__)

VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,termination"
Handler = Callable[[Request], Awaitable[Response]]


def _tus(handler: Handler) -> Handler:
    """Check the protocol version, and put ``Tus-Resumable`` on every answer, errors included."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            if request.method != "OPTIONS" and request.headers.get("tus-resumable") != VERSION:
                error = ApiError(412, "tus_version", f"仅支持 tus {VERSION}（请求头 Tus-Resumable）")
                error.headers["Tus-Version"] = VERSION
                raise error
            response = await handler(request)
        except ApiError as error:
            error.headers["Tus-Resumable"] = VERSION
            raise
        except ClientDisconnect:
            raise  # the client is gone (server.errors answers nobody)
        except Exception:
            log.exception("upload request failed")
            error = ApiError(503, "unavailable", "服务器暂时繁忙，请稍后重试")
            error.headers.update({"Tus-Resumable": VERSION, "Retry-After": "2"})
            raise error from None
        response.headers["Tus-Resumable"] = VERSION
        return response

    return wrapped


def _number(request: Request, header: str) -> int:
    raw = request.headers.get(header.lower())
    if raw is None or not raw.isdigit() or len(raw) > 15:
        raise ApiError(400, "bad_request", f"请求头 {header} 应为非负整数")
    return int(raw)


def _headers(upload: uploads.Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.received), "Upload-Length": str(upload.length),
               "Upload-Expires": uploads.http_date(upload.expires_ms), "Cache-Control": "no-store"}
    if upload.media_id is not None:
        headers["Upload-Media-Id"] = upload.media_id
    return headers


async def _own(request: Request) -> uploads.Upload:
    owner = await media.uploader(request)
    return await uploads.find(request.app.state, request.path_params["upload_id"], owner)


@_tus
async def options(request: Request) -> Response:
    config = request.app.state.config
    return Response(status_code=204, headers={"Tus-Version": VERSION, "Tus-Extension": EXTENSIONS,
                                              "Tus-Max-Size": str(config.photo_max_mb * 1024 * 1024)})


@_tus
async def create(request: Request) -> Response:
    state = request.app.state
    owner = await media.uploader(request)
    if "upload-defer-length" in request.headers:
        raise ApiError(400, "bad_request", "不支持 Upload-Defer-Length，请在 Upload-Length 中给出文件大小")
    length = _number(request, "Upload-Length")
    metadata = request.headers.get("upload-metadata")
    kind = uploads.kind_of(state, length, metadata)
    if not owner.is_staff:
        # One allowance for photos, whichever way they are uploaded.
        await ratelimit.enforce(request, "photo", "上传照片过于频繁", client_id=owner.client_id,
                                per_client=state.config.rate_photos_per_client,
                                per_address=state.config.rate_photos_per_address)
    upload = await uploads.create(state, owner, kind, length, metadata)
    return Response(status_code=201, headers={"Location": f"/api/uploads/{upload.id}", "Upload-Offset": "0",
                                              "Upload-Expires": uploads.http_date(upload.expires_ms)})


@_tus
async def status(request: Request) -> Response:
    upload = await _own(request)
    if upload.refusal is not None:
        raise upload.refusal
    upload = await uploads.finish(request.app.state, upload)  # a complete upload whose processing was cut off
    headers = _headers(upload)
    if upload.metadata:
        headers["Upload-Metadata"] = upload.metadata
    return Response(status_code=200, headers=headers)


@_tus
async def append(request: Request) -> Response:
    upload = await _own(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/offset+octet-stream":
        raise ApiError(415, "bad_content_type", "PATCH 的 Content-Type 应为 application/offset+octet-stream")
    start = _number(request, "Upload-Offset")
    if upload.refusal is not None:
        raise upload.refusal
    if upload.media_id is not None and start == upload.length:
        return Response(status_code=204, headers=_headers(upload))  # the answer to a finishing PATCH, again
    declared = request.headers.get("content-length")
    upload = await uploads.receive(request.app.state, upload, start, request.stream(),
                                   int(declared) if declared and declared.isdigit() else None)
    return Response(status_code=204, headers=_headers(upload))


@_tus
async def terminate(request: Request) -> Response:
    upload = await _own(request)
    await uploads.terminate(request.app.state, upload)
    return Response(status_code=204)


routes = [
    Route("/api/uploads/", create, methods=["POST"]),
    Route("/api/uploads/", options, methods=["OPTIONS"], name="uploads_options"),
    Route("/api/uploads/{upload_id}", status, methods=["HEAD"]),
    Route("/api/uploads/{upload_id}", append, methods=["PATCH"], name="uploads_append"),
    Route("/api/uploads/{upload_id}", terminate, methods=["DELETE"], name="uploads_terminate"),
]
