"""Admin API for categories (and their time limits) and teams."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.admin import categories, teams
from server.auth import require_staff
from server.body import json_object
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


routes = [
    Route("/api/admin/categories", categories_index),
    Route("/api/admin/categories", categories_create, methods=["POST"]),
    Route("/api/admin/categories/{code}", categories_edit, methods=["PATCH"]),
    Route("/api/admin/teams", teams_index),
    Route("/api/admin/teams", teams_create, methods=["POST"]),
    Route("/api/admin/teams/{code}", teams_edit, methods=["PATCH"]),
]
