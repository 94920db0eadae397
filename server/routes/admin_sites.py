"""Admin API for sites: list (retired too), add, edit, retire, reissue a code, import a CSV.

Only the Chinese reasons of ``sites.SiteRefused`` and ``sites.SiteNotFound`` reach an answer; any other error is
the server's own, answered without its text."""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import qr, sites
from server.auth import require_staff
from server.body import json_object, only_fields, string_field
from server.errors import ApiError
from server.storage import reference


def _site_json(request: Request, row: Any) -> dict[str, Any]:
    code = row["code"]
    links = {"poster": f"/posters/{code}", "qr_svg": f"/qr/{code}.svg", "qr_png": f"/qr/{code}.png",
             "url": qr.site_url(request.app.state.config.base_url, code)}
    return {**reference.site_dict(row, public=False), "links": links if row["active"] else None}


async def _site_or_404(request: Request, code: str) -> JSONResponse:
    row = await reference.get_site(request.app.state.db, code)
    if row is None:
        raise ApiError(404, "not_found", f"站点“{code}”不存在")
    return JSONResponse({"site": _site_json(request, row)})


def _site_fields(data: dict[str, Any], names: tuple[str, ...], required: bool) -> dict[str, Any]:
    only_fields(data, names)
    out: dict[str, Any] = {}
    for name in names:
        value = string_field(data, name, required=required and name in {"code", "name", "kind", "community"},
                             max_len=120)
        if value is not None:
            out[name] = value.strip()
    return out


async def index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    rows = await reference.all_sites(request.app.state.db)
    return JSONResponse({"sites": [_site_json(request, r) for r in rows]})


async def create(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    site = _site_fields(await json_object(request), sites.CSV_COLUMNS, required=True)
    try:
        await sites.add_site(request.app.state.db, site)
    except sites.SiteRefused as exc:
        raise ApiError(400, "invalid_site", str(exc)) from None
    response = await _site_or_404(request, site["code"])
    response.status_code = 201
    return response


async def edit(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    code = request.path_params["code"]
    changes = _site_fields(await json_object(request), reference.SITE_EDITABLE, required=False)
    try:
        await sites.edit_site(request.app.state.db, code, changes)
    except sites.SiteNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except sites.SiteRefused as exc:
        raise ApiError(400, "invalid_site", str(exc)) from None
    return await _site_or_404(request, code)


async def retire(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    data = await json_object(request)
    only_fields(data, ("replaced_by",))
    code = request.path_params["code"]
    try:
        await sites.retire_site(request.app.state.db, code, string_field(data, "replaced_by", required=False) or None)
    except sites.SiteRefused as exc:
        raise ApiError(400, "invalid_site", str(exc)) from None
    return await _site_or_404(request, code)


async def reissue(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    data = await json_object(request)
    only_fields(data, ("new_code",))
    try:
        new_code = await sites.reissue_code(request.app.state.db, request.path_params["code"],
                                            string_field(data, "new_code", required=False, max_len=32) or None)
    except sites.SiteNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except sites.SiteRefused as exc:
        raise ApiError(400, "invalid_site", str(exc)) from None
    response = await _site_or_404(request, new_code)
    response.status_code = 201
    return response


async def import_csv(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    body = await request.body()
    if len(body) > 1024 * 1024:
        raise ApiError(413, "too_large", "CSV 文件不能超过 1 MB")
    try:
        count = await sites.import_csv(request.app.state.db, body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "bad_encoding", "CSV 文件应为 UTF-8 编码") from None
    except sites.ImportRejected as exc:
        raise ApiError(400, "import_rejected", "导入失败，没有导入任何站点",
                       errors=[str(e) for e in exc.errors]) from None
    return JSONResponse({"imported": count}, status_code=201)


routes = [
    Route("/api/admin/sites", index),
    Route("/api/admin/sites", create, methods=["POST"]),
    Route("/api/admin/sites/import", import_csv, methods=["POST"]),
    Route("/api/admin/sites/{code}", edit, methods=["PATCH"]),
    Route("/api/admin/sites/{code}/retire", retire, methods=["POST"]),
    Route("/api/admin/sites/{code}/reissue", reissue, methods=["POST"]),
]
