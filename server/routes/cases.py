"""Staff reads of cases: ``GET /api/cases`` (the filtered, paginated board) and ``GET /api/cases/{id}``.

Changes to cases are not here: every one is a mutation pushed through ``/api/sync/push``.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import cases
from server.auth import require_staff
from server.pseudonyms import pseudonyms


async def index(request: Request) -> JSONResponse:
    staff = await require_staff(request, "dispatcher", "admin", "field")
    body = await cases.list_cases(request.app.state.db, request.app.state.config, staff, request.query_params)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def detail(request: Request) -> JSONResponse:
    staff = await require_staff(request, "dispatcher", "admin", "field")
    body = await cases.case_detail(request.app.state.db, request.app.state.config, staff, request.path_params["id"],
                                   pseudonyms(request))
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


routes = [
    Route("/api/cases", index),
    Route("/api/cases/{id}", detail),
]
