"""Open311 GeoReport v2 under ``/open311/v2/``, each resource as ``.json`` or ``.xml`` (the spec's shapes; the XML
root and item elements in brackets). Datetimes are W3C with +08:00; ids, ``address_id`` and ``zipcode`` are strings.

- ``GET discovery.{fmt}`` → ``{changeset, contact, key_service, endpoints: [{specification, url, changeset, type,
  formats: [mime]}]}`` [discovery; endpoints/endpoint; formats/format].
- ``GET services.{fmt}`` → ``[{service_code, service_name, description, metadata: false, type: "realtime",
  keywords, group}]`` [services/service]: the active categories.
- ``GET services/{service_code}.{fmt}`` → ``{service_code, attributes: []}`` [service_definition]; 404 unknown.
- ``GET requests.{fmt}`` ?service_request_id=a,b (overrides the rest) &service_code=a,b &start_date &end_date
  (W3C; default the last 90 days, at most 90 days) &status=open,closed &page (from 1) &page_size (1–1000, default
  1000) → ``[{service_request_id, status: open|closed, status_notes, service_name, service_code, description,
  agency_responsible, service_notice: null, requested_datetime, updated_datetime, expected_datetime, address,
  address_id, zipcode, lat, long, media_url}]`` [service_requests/request], newest first; null in JSON is an empty
  element in XML. Confidential cases (是否保密) are never listed; no contact data is ever shown.
- ``GET requests/{service_request_id}.{fmt}`` → the same list with that one request; 404 unknown.
- ``POST requests.{fmt}`` (form-encoded) api_key, service_code, lat+long | address_string | address_id (a site
  code), description, media_url, first_name, last_name, phone, email (jurisdiction_id, device_id, account_id and
  attribute[…] are ignored) → 200 ``[{service_request_id, service_notice, account_id: null}]``, or 202
  ``[{token, service_notice, account_id: null}]`` while the write is still going on [service_requests/request].
- ``GET tokens/{token}.{fmt}`` → ``[{service_request_id, token}]``, or ``[{token}]`` while pending
  [service_requests/request]; 404 unknown.
- ``GET servicerequestupdates.{fmt}`` ?start_date &end_date &page &page_size (as for requests) → ``[{update_id,
  service_request_id, status, updated_datetime, description, media_url: null}]``
  [service_request_updates/request_update]: one per status step, in log order; ``status`` in mySociety's words
  (open, investigating, action_scheduled, in_progress, fixed, reopen, duplicate, no_further_action, closed).

Errors: ``[{code, description}]`` [errors/error] in the requested format (XML for an unknown one): 400 bad input,
403 bad or missing api_key, 404 unknown resource, 405 wrong method, 413 body too large, 429 rate limit (with
Retry-After), 503 when the case could not be written (nothing kept; Retry-After).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.open311 import intake, params, views
from server.open311.formats import Open311Error, answer, error_answer, fmt_of
from server.storage import open311 as store

Handler = Callable[[Request, str], Awaitable[Response]]


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Answer every error of ``handler`` in the spec's shape and the requested format."""

    async def endpoint(request: Request) -> Response:
        fmt = request.path_params.get("fmt", "")
        if fmt not in ("json", "xml"):
            return error_answer("xml", Open311Error(404, f"不支持的格式“{fmt[:16]}”：请用 .xml 或 .json"))
        try:
            return await handler(request, fmt)
        except Open311Error as error:
            return error_answer(fmt, error)

    return endpoint


async def discovery(request: Request, fmt: str) -> Response:
    config = request.app.state.config
    return answer(fmt, "discovery", views.discovery(config.base_url, config.open311_contact))


async def services(request: Request, fmt: str) -> Response:
    rows = await store.services(request.app.state.db)
    return answer(fmt, "services", [views.service(r) for r in rows])


async def service_definition(request: Request, fmt: str) -> Response:
    code = request.path_params["code"]
    if code not in await store.category_codes(request.app.state.db, active_only=True):
        raise Open311Error(404, f"service_code“{code[:64]}”不存在")
    return answer(fmt, "service_definition", views.service_definition(code))


def _requests(request: Request, fmt: str, rows: list[Any]) -> Response:
    config = request.app.state.config
    return answer(fmt, "service_requests",
                  [views.service_request(r, config.subdistrict, config.zipcode) for r in rows])


async def requests_index(request: Request, fmt: str) -> Response:
    db, query = request.app.state.db, request.query_params
    ids = params.listed(query, "service_request_id")
    if ids:
        return _requests(request, fmt, await store.requests_by_number(db, ids))
    codes = params.listed(query, "service_code")
    unknown = sorted(set(codes) - await store.category_codes(db, active_only=False))
    if unknown:
        raise Open311Error(400, f"不认识的 service_code：{', '.join(unknown)}")
    statuses = params.statuses(query)
    wanted = [s for s in views.STEP if (s in views.OPEN) == ("open" in statuses)] if len(statuses) == 1 else []
    start, end = params.period(query, datetime.now(timezone.utc))
    page = params.page(query)
    return _requests(request, fmt, await store.requests_between(db, start, end, codes, wanted, page.size, page.offset))


async def request_detail(request: Request, fmt: str) -> Response:
    rows = await store.requests_by_number(request.app.state.db, [request.path_params["id"][:64]])
    if not rows:
        raise Open311Error(404, "找不到该诉求")
    return _requests(request, fmt, rows)


async def requests_create(request: Request, fmt: str) -> Response:
    config = request.app.state.config
    posted = await intake.read_params(request, config.open311_max_body_bytes)
    key = await intake.key_of(request, posted)
    earlier = await store.retried(request.app.state.db, key["id"], intake.body_hash(key["id"], posted),
                                  params.iso_ago(config.open311_retry_window_s))
    if earlier is not None:
        return _created(fmt, earlier)
    args, extra = await intake.case_args(request, posted, key)
    created = await intake.create(request, key, posted, args, extra)
    if isinstance(created, str):
        notice = "已收到，正在登记：稍后用 tokens/{token} 查询编号"
        return answer(fmt, "service_requests", [{"token": created, "service_notice": notice, "account_id": None}], 202)
    return _created(fmt, created.number)


def _created(fmt: str, number: str) -> Response:
    notice = f"已登记为诉求 {number}，街道将按时限受理和办结"
    return answer(fmt, "service_requests", [{"service_request_id": number, "service_notice": notice,
                                             "account_id": None}])


async def token_detail(request: Request, fmt: str) -> Response:
    token = request.path_params["token"][:64]
    number = await store.number_for_token(request.app.state.db, token)
    if number is not None:
        return answer(fmt, "service_requests", [{"service_request_id": number, "token": token}])
    state = intake.token_state(request, token)
    if state == "pending":
        return answer(fmt, "service_requests", [{"token": token}])
    if state is not None:
        raise Open311Error(400, f"该请求未能登记：{state}")
    raise Open311Error(404, "找不到该 token")


async def updates(request: Request, fmt: str) -> Response:
    query = request.query_params
    start, end = params.period(query, datetime.now(timezone.utc))
    page = params.page(query)
    rows = await store.steps_between(request.app.state.db, start, end, page.size, page.offset)
    return answer(fmt, "service_request_updates", [views.update(r) for r in rows])


_ROUTES: list[tuple[str, Handler, str]] = [
    ("/open311/v2/discovery.{fmt}", discovery, "GET"),
    ("/open311/v2/services.{fmt}", services, "GET"),
    ("/open311/v2/services/{code}.{fmt}", service_definition, "GET"),
    ("/open311/v2/requests.{fmt}", requests_index, "GET"),
    ("/open311/v2/requests.{fmt}", requests_create, "POST"),
    ("/open311/v2/requests/{id}.{fmt}", request_detail, "GET"),
    ("/open311/v2/tokens/{token}.{fmt}", token_detail, "GET"),
    ("/open311/v2/servicerequestupdates.{fmt}", updates, "GET"),
]
_KNOWN = [Route(path, lambda r: None) for path, _, _ in _ROUTES]  # for telling 405 from 404


async def unknown(request: Request) -> Response:
    """Anything else under /open311/: the spec's 404 (or 405 for a known resource asked with the wrong method)."""
    path = request.url.path
    fmt = fmt_of(path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "")
    scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    if any(route.matches(scope)[0].value for route in _KNOWN):
        return error_answer(fmt, Open311Error(405, f"该资源不支持 {request.method} 请求"))
    return error_answer(fmt, Open311Error(404, "没有这个 Open311 资源"))


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
routes = [
    *(Route(path, _endpoint(handler), methods=[method]) for path, handler, method in _ROUTES),
    Route("/open311/{rest:path}", unknown, methods=ALL_METHODS),
]
