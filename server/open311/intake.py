"""POST requests: one GeoReport v2 service request becomes one case, created through the sync engine.

- The body is ``application/x-www-form-urlencoded`` as the spec says (multipart form fields and a flat JSON object
  are read the same way), at most ``open311_max_body_bytes``; a parameter given twice is refused.
- ``api_key`` names an integration actor (``sync.rights``: it may only create cases, with channel ``open311``);
  a missing, unknown or revoked key is 403. Requests count against the key's rate limit as a resident's reports
  count against the resident's.
- A retried POST is recognised by the SHA-256 of the key's id and every parameter but ``api_key``, sorted: the
  same hash within ``open311_retry_window_s`` answers with the case the first POST created, and creates nothing.
- The case is written through the group commit. If that takes longer than ``open311_wait_s`` the client is given
  a ``token`` instead of the number; the write goes on, and ``tokens/{token}`` answers with the number once it is
  committed (tokens of writes still in flight are known only to this process).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import re
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request

from server import ratelimit
from server.auth import tokens
from server.errors import ApiError
from server.events.publish import publish
from server.open311.formats import Open311Error
from server.open311.views import MAX_DESCRIPTION
from server.storage import open311 as store
from sync.actor import INTEGRATION, Actor
from sync.apply import Options, PushOutcome, apply_next
from sync.args import MAX_NAME, MAX_PLACE, PHONE
from sync.dates import iso
from sync.names import CHANNEL, R

log = logging.getLogger(__name__)

MAX_FIELDS = 50
MAX_URL = 2000
MAX_EMAIL = 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FAILED_KEPT = 1000


@dataclass(frozen=True)
class Created:
    number: str
    token: str


class _Refused(Exception):
    """The engine refused the case (a site or category retired meanwhile): nothing was written."""


def _pending(request: Request) -> dict[str, asyncio.Future[Created]]:
    state = request.app.state
    if not hasattr(state, "open311_pending"):
        state.open311_pending = {}
        state.open311_failed = OrderedDict()
    return state.open311_pending  # type: ignore[no-any-return]


def token_state(request: Request, token: str) -> str | None:
    """``pending`` for a write still in flight here, the refusal's text for one that failed, else None."""
    if token in _pending(request):
        return "pending"
    failed: OrderedDict[str, str] = request.app.state.open311_failed
    return failed.get(token)


async def _read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Open311Error(413, f"请求内容过大（上限 {max_bytes // 1000} KB）")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise Open311Error(413, f"请求内容过大（上限 {max_bytes // 1000} KB）")
        chunks.append(chunk)
    return b"".join(chunks)


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Open311Error(400, f"参数 {name} 应为文字或数字")
    return str(value)


async def read_params(request: Request, max_bytes: int) -> dict[str, str]:
    """The POSTed parameters as one string each."""
    body = await _read_body(request, max_bytes)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    pairs: list[tuple[str, Any]]
    try:
        if kind == "application/json":
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
            pairs = list(data.items())
        elif kind == "multipart/form-data":
            request._body = body  # the form parser reads this instead of the stream we have already drained
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
            pairs = list(form.multi_items())
        else:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except Exception:  # whatever a malformed body makes a parser raise, it is the client's error
        raise Open311Error(400, "请求内容无法解析：请用 application/x-www-form-urlencoded（UTF-8）提交参数") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise Open311Error(400, f"参数 {name} 应为文字或数字（不接受上传文件，请用 media_url）")
        if name in params:
            raise Open311Error(400, f"参数 {name} 只能出现一次")
        params[name] = _scalar(name, value)
    return params


def _text(params: dict[str, str], name: str, limit: int) -> str | None:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, f"{name} 不能超过 {limit} 个字符")
    return value or None


def _coordinate(params: dict[str, str], name: str, low: float, high: float) -> float:
    try:
        value = float(params[name])
    except ValueError:
        raise Open311Error(400, f"{name} 应为数字（WGS-84 度）") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise Open311Error(400, f"{name} 超出范围（{low}–{high}）")
    return value


def _name(first: str | None, last: str | None) -> str | None:
    if first and last:
        # A Chinese name is written family name first, without a space.
        cjk = any("\u4e00" <= ch <= "\u9fff" for ch in first + last)
        return f"{last}{first}" if cjk else f"{first} {last}"
    return first or last


def body_hash(key_id: int, params: dict[str, str]) -> str:
    canonical = json.dumps(sorted((k, v) for k, v in params.items() if k != "api_key"), ensure_ascii=False)
    return hashlib.sha256(f"{key_id}\n{canonical}".encode()).hexdigest()


async def key_of(request: Request, params: dict[str, str]) -> Any:
    api_key = params.get("api_key") or ""
    key = await store.key_by_hash(request.app.state.db, tokens.digest(api_key)) if api_key else None
    if key is None:
        raise Open311Error(403, "api_key 缺失、无效或已吊销")
    return key


async def case_args(request: Request, params: dict[str, str], key: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``case.create`` arguments and the request's own record, or a 4xx naming the bad parameter."""
    db = request.app.state.db
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    if code not in await store.category_codes(db, active_only=True):
        raise Open311Error(404, f"service_code“{code[:64]}”不存在")
    site = key["site"]
    address_id = _text(params, "address_id", 32)
    if address_id is not None:
        if address_id not in await store.active_sites(db):
            raise Open311Error(400, f"address_id“{address_id}”不是有效的站点编号")
        site = address_id
    has_lat, has_long = bool(params.get("lat", "").strip()), bool(params.get("long", "").strip())
    if has_lat != has_long:
        raise Open311Error(400, "lat 和 long 必须同时提供")
    address = _text(params, "address_string", MAX_PLACE)
    if not (has_lat or address or address_id):
        raise Open311Error(400, "缺少位置：请提供 lat 和 long、address_string 或 address_id 之一")
    location = None
    if has_lat:
        location = {"lat": _coordinate(params, "lat", -90, 90), "lng": _coordinate(params, "long", -180, 180)}
        if address:
            location["text"] = address
    media_url = _text(params, "media_url", MAX_URL)
    if media_url is not None and (urlsplit(media_url).scheme not in ("http", "https") or not urlsplit(media_url).netloc):
        raise Open311Error(400, "media_url 应为 http 或 https 网址")
    email = _text(params, "email", MAX_EMAIL)
    if email is not None and not EMAIL.fullmatch(email):
        raise Open311Error(400, "email 格式不正确")
    phone = _text(params, "phone", 20)
    if phone is not None and not PHONE.fullmatch(phone):
        raise Open311Error(400, "phone 只能包含数字、空格、+ 和 -（3–20 个字符）")
    name = _name(_text(params, "first_name", MAX_NAME), _text(params, "last_name", MAX_NAME))
    if name is not None and len(name) > MAX_NAME:
        raise Open311Error(400, f"姓名不能超过 {MAX_NAME} 个字符")
    # The spec lets a description be left out; our cases always say something, and 4,000 characters is its limit.
    description = (params.get("description") or "").strip()[:MAX_DESCRIPTION] or "（Open311 报告未附描述）"
    args = {"id": str(uuid.uuid4()), "track_token": secrets.token_hex(16), "site": site, "category": code,
            "description": description, "location": location, "channel": CHANNEL.open311,
            "contact": {"name": name, "phone": phone} if (name or phone) else None}
    extra = {"media_url": media_url, "address_string": address, "email": email}
    return args, extra


def actor_of(key: Any) -> Actor:
    return Actor(INTEGRATION, key["client_id"], username=key["name"], channel=CHANNEL.open311)


async def create(request: Request, key: Any, params: dict[str, str], args: dict[str, Any],
                 extra: dict[str, Any]) -> Created | str:
    """Write the case; returns what was created, or the token to ask about later if the write is still going on
    after ``open311_wait_s``. A retry that raced the first request gets the first request's case."""
    config = request.app.state.config
    now_ms = time.time_ns() // 1_000_000
    digest = body_hash(key["id"], params)
    since = iso(now_ms - config.open311_retry_window_s * 1000)
    token = secrets.token_hex(16)
    options = Options(max_drift_ms=config.sync_max_drift_ms, number_prefix=config.case_number_prefix)
    mutation = {"name": "case.create", "args": args, "hlc": f"{now_ms:013d}-0000"}

    # The key's reports count as a resident's do (per key, not per address: one app serves many people); a retry
    # found in the transaction costs nothing, and a report over the limit is not written.
    limits = [ratelimit.Demand("case", "提交诉求过于频繁", config.rate_cases_per_client, per_address=None)]

    async def work(conn: Any) -> tuple[Created, PushOutcome | None]:
        earlier = await store.retried_in(conn, key["id"], digest, since)
        if earlier is not None:
            return Created(earlier, token), None
        await ratelimit.demand(request, conn, key["client_id"], limits, now_ms)
        outcome = await apply_next(conn, actor_of(key), [mutation], now_ms, options)
        result = outcome.results[0]
        if result["status"] != R.applied:
            raise _Refused(result.get("message") or "无法登记该诉求")
        await store.record_request(conn, {"case_id": args["id"], "key_id": key["id"], "token": token,
                                          "body_hash": digest, "created_at": iso(now_ms), **extra})
        return Created(outcome.events[0]["payload"]["number"], token), outcome

    def after_commit(done: tuple[Created, PushOutcome | None]) -> None:
        if done[1] is not None:
            publish(request, done[1].notices)

    pending = _pending(request)

    async def write() -> Created:
        try:
            return (await request.app.state.writes.run(work, on_commit=after_commit))[0]
        except BaseException as error:
            failed: OrderedDict[str, str] = request.app.state.open311_failed
            failed[token] = error.args[0] if isinstance(error, _Refused) else \
                error.message if isinstance(error, ApiError) else "服务器暂时繁忙，请重新提交"
            while len(failed) > _FAILED_KEPT:
                failed.popitem(last=False)
            raise
        finally:
            pending.pop(token, None)

    task = asyncio.ensure_future(write())
    pending[token] = task
    # The outcome is read here or through tokens/{token}; never leave an exception unretrieved.
    task.add_done_callback(lambda t: t.cancelled() or t.exception())
    try:
        return await asyncio.wait_for(asyncio.shield(task), timeout=config.open311_wait_s)
    except asyncio.TimeoutError:
        return token
    except _Refused as refused:
        raise Open311Error(400, str(refused)) from None
    except ApiError as limited:
        raise Open311Error(429, limited.message, limited.headers) from None
    except Exception:
        log.exception("open311 request could not be written; rolled back")
        raise Open311Error(503, "服务器暂时繁忙，请稍后重试（此次提交未保存）",
                           {"Retry-After": str(config.sync_retry_after_s)}) from None
