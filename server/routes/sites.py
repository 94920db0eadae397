"""Public reference data: ``GET /api/sites``, ``GET /api/sites/{code}``, ``GET /api/categories``."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.errors import ApiError
from server.storage import reference


async def sites_index(request: Request) -> JSONResponse:
    rows = await reference.list_sites(request.app.state.db, community=request.query_params.get("community"))
    return JSONResponse({"sites": [reference.site_dict(r) for r in rows]})


async def site_detail(request: Request) -> JSONResponse:
    row = await reference.get_site(request.app.state.db, request.path_params["code"])
    if row is None or not row["active"]:
        raise ApiError(404, "site_not_found", "找不到该站点，请核对二维码或站点编号")
    return JSONResponse({**reference.site_dict(row), "address": row["address"]})


async def categories_index(request: Request) -> JSONResponse:
    rows = await reference.list_categories(request.app.state.db)
    return JSONResponse({"categories": [
        {"code": r["code"], "name_zh": r["name_zh"], "name_en": r["name_en"], "kind": r["kind"],
         "response_limit_minutes": r["response_limit_minutes"], "resolution_limit_days": r["resolution_limit_days"],
         "urgent": bool(r["urgent"]), "icon": r["icon"]}
        for r in rows
    ]})


routes = [
    Route("/api/sites", sites_index),
    Route("/api/sites/{code}", site_detail),
    Route("/api/categories", categories_index),
]
