"""The 12345 hotline exchange over HTTP (the import itself is the command ``mashangban import-12345 FILE``).

- ``GET /api/export/12345.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`` (dispatchers and admins; both dates optional and
  inclusive, local days of 受理时间) → ``text/csv; charset=utf-8``, UTF-8 with BOM, columns 工单编号, 来电人, 联系电话,
  分类, 紧急程度, 来电类别, 受理渠道, 主要内容, 受理时间, 是否保密 (是/否), 是否回复 (是/否), 办理单位, 转办时间, 转办意见,
  办结时限, 办理结果, 办结时间, 满意度 (满意/基本满意/不满意 or empty), 返工次数; times ``YYYY-MM-DD HH:MM:SS`` local; one
  row per 转办 (see ``server.hotline.export``). 400 ``{error: "invalid_args", message, field}`` for a bad date.
- ``GET /api/admin/hotline-categories`` (admins) → ``{mappings: [{hotline, category}]}``, the category mapping table.
- ``PUT /api/admin/hotline-categories`` (admins) with ``{mappings: [{hotline, category}]}`` replaces the whole table
  → ``{mappings}``; 400 ``{error: "invalid_args", message, field: "mappings"}`` names the first bad row (unknown
  category, duplicate or over-long hotline category) and changes nothing.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.auth import require_staff
from server.body import json_object
from server.cases import local_day_bounds, parse_day, zone
from server.errors import ApiError
from server.hotline import mapping
from server.hotline.export import export_csv
from server.storage import hotline


async def export(request: Request) -> Response:
    await require_staff(request, "dispatcher", "admin")
    start, end = parse_day(request.query_params, "from"), parse_day(request.query_params, "to")
    if start and end and end < start:
        raise ApiError(400, "invalid_args", "结束日期早于开始日期", field="to")
    lower, upper = local_day_bounds(start, end, zone(request.app.state.config))
    body = await export_csv(request.app.state.db, lower, upper)
    name = f"mashangban-12345-{start or 'all'}-{end or 'all'}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _table(rows: list[tuple[str, str]]) -> JSONResponse:
    return JSONResponse({"mappings": [{"hotline": h, "category": c} for h, c in rows]})


async def mappings_index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    return _table([(r["hotline"], r["category"]) for r in await hotline.mappings(request.app.state.db)])


async def mappings_replace(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    return _table(await mapping.replace(request.app.state.db, await json_object(request)))


routes = [
    Route("/api/export/12345.csv", export),
    Route("/api/admin/hotline-categories", mappings_index),
    Route("/api/admin/hotline-categories", mappings_replace, methods=["PUT"]),
]
