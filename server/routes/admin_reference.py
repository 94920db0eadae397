"""Admin API for categories (and their time limits), teams, and the working-day calendar."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.admin import calendar, categories, teams
from server.auth import require_staff
from server.body import json_object
from server.errors import ApiError
from server.storage import calendar as calendar_storage
from server.storage import reference


async def categories_index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    rows = await reference.all_categories(request.app.state.db)
    return JSONResponse({"categories": [reference.category_dict(r) for r in rows]})


async def categories_create(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    row = await categories.add(request.app.state.db, await json_object(request))
    return JSONResponse({"category": row}, status_code=201)


async def categories_edit(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    row = await categories.edit(request.app.state.db, request.path_params["code"], await json_object(request))
    return JSONResponse({"category": row})


async def teams_index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    rows = await reference.all_teams(request.app.state.db)
    return JSONResponse({"teams": [reference.team_dict(r) for r in rows]})


async def teams_create(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    row = await teams.add(request.app.state.db, await json_object(request))
    return JSONResponse({"team": row}, status_code=201)


async def teams_edit(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    row = await teams.edit(request.app.state.db, request.path_params["code"], await json_object(request))
    return JSONResponse({"team": row})


async def calendar_index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    year = request.query_params.get("year")
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise ApiError(400, "invalid_args", "year 应为四位年份", field="year")
    rows = await calendar_storage.list_days(request.app.state.db, int(year) if year else None)
    return JSONResponse({"days": [{"day": r["day"], "workday": bool(r["workday"]), "name": r["name"]} for r in rows]})


async def calendar_put(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    day = await calendar.put(request.app.state.db, request.path_params["day"], await json_object(request))
    return JSONResponse({"day": day})


async def calendar_delete(request: Request) -> Response:
    await require_staff(request, "admin")
    await calendar.delete(request.app.state.db, request.path_params["day"])
    return Response(status_code=204)


routes = [
    Route("/api/admin/categories", categories_index),
    Route("/api/admin/categories", categories_create, methods=["POST"]),
    Route("/api/admin/categories/{code}", categories_edit, methods=["PATCH"]),
    Route("/api/admin/teams", teams_index),
    Route("/api/admin/teams", teams_create, methods=["POST"]),
    Route("/api/admin/teams/{code}", teams_edit, methods=["PATCH"]),
    Route("/api/admin/calendar", calendar_index),
    Route("/api/admin/calendar/{day}", calendar_put, methods=["PUT"]),
    Route("/api/admin/calendar/{day}", calendar_delete, methods=["DELETE"]),
]
