"""The sync API: ``POST /api/sync/push`` and ``GET /api/sync/pull`` (the conflict-tolerant queue's two ends).

The caller is a signed-in member of staff (session cookie, or a field phone's ``Authorization: Bearer`` device
token) or else a resident's browser, known only by its ``client_id`` (32 lowercase hex characters, in the push
body and the ``X-Client-Id`` header of a pull, never in a URL). The work is in ``sync.apply`` and ``sync.pull``.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import ratelimit
from server.auth.identity import actor_for
from server.body import json_object
from server.errors import ApiError
from server.events.publish import publish
from server.pseudonyms import pseudonyms
from server.storage import Tx
from sync.actor import RESIDENT
from sync.apply import ClientMismatch, GapError, Options, PushError, PushOutcome, apply_push, check_owner
from sync.args import TOKEN
from sync.names import E
from sync.pull import pull

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store"}


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _client_id(value: Any) -> str:
    if not isinstance(value, str) or not TOKEN.fullmatch(value):
        raise ApiError(400, E.bad_request, "client_id 必须是 32 位小写十六进制字符（128 位随机数）")
    return value


async def _body(request: Request) -> dict[str, Any]:
    try:
        return await json_object(request, max_bytes=request.app.state.config.sync_max_body_bytes)
    except ApiError as err:
        # The sync API answers with the protocol's own error codes (sync.names.ERRORS).
        raise ApiError(err.status, E.too_large if err.status == 413 else E.bad_request, err.message) from None


async def push(request: Request) -> JSONResponse:
    config = request.app.state.config
    body = await _body(request)
    client_id = _client_id(body.get("client_id"))
    mutations = body.get("mutations")
    if isinstance(mutations, list) and len(mutations) > config.sync_max_batch:
        raise ApiError(413, E.too_large, f"一次最多同步 {config.sync_max_batch} 条操作")
    actor = await actor_for(request, client_id)
    options = Options(max_drift_ms=config.sync_max_drift_ms, number_prefix=config.case_number_prefix)
    now_ms = _now_ms()

    async def work(tx: Tx) -> PushOutcome:
        if actor.kind == RESIDENT:  # counted in the push's own transaction: a refused push takes no tokens
            await ratelimit.limit_resident_push(request, tx, client_id, mutations, now_ms)
        return await apply_push(tx, actor, client_id, mutations, now_ms, options)

    try:
        # Concurrent pushes share a transaction (and a disk flush); each is still applied all or nothing.
        # Streams are told right after the commit, even if this client hangs up before its answer.
        outcome = await request.app.state.writes.run(work, on_commit=lambda done: publish(request, done.notices))
    except ApiError:
        raise  # over a rate limit: nothing of the push was applied
    except GapError as err:
        raise ApiError(409, err.code, err.message, expected_mid=err.expected_mid) from None
    except ClientMismatch as err:
        raise ApiError(403, err.code, err.message) from None
    except PushError as err:
        raise ApiError(400, err.code, err.message) from None
    except Exception:
        # Rolled back: nothing of this push is kept, so sending it again is safe.
        log.exception("sync push failed; rolled back")
        unavailable = ApiError(503, E.unavailable, "服务器暂时繁忙，请稍后重试")
        unavailable.headers["Retry-After"] = str(config.sync_retry_after_s)
        raise unavailable from None
    return JSONResponse({"last_mid": outcome.last_mid, "results": outcome.results, "cursor": outcome.cursor},
                        headers=_NO_STORE)


def _count(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(400, E.bad_request, f"{name} 必须是非负整数")
    return int(raw)


async def pull_changes(request: Request) -> JSONResponse:
    config = request.app.state.config
    client_id = _client_id(request.headers.get("x-client-id"))
    cursor = _count(request, "cursor", 0)
    limit = max(1, min(_count(request, "limit", config.sync_pull_limit), config.sync_pull_limit))
    actor = await actor_for(request, client_id)
    db = request.app.state.db
    registered = await db.sync.client(client_id)
    if registered is not None:
        try:
            check_owner(actor, registered)
        except ClientMismatch as err:
            raise ApiError(403, err.code, err.message) from None
    return JSONResponse(await pull(db.sync, actor, cursor, limit, pseudonyms(request)), headers=_NO_STORE)


routes = [
    Route("/api/sync/push", push, methods=["POST"]),
    Route("/api/sync/pull", pull_changes, methods=["GET"]),
]
