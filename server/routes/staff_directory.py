"""Who cases can go to: ``GET /api/teams`` (any staff) and ``GET /api/staff`` (dispatchers and admins)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.auth import require_staff
from server.storage import reference, users


async def teams_index(request: Request) -> JSONResponse:
    await require_staff(request)
    rows = await reference.list_teams(request.app.state.db)
    return JSONResponse({"teams": [reference.team_dict(r) for r in rows]})


async def staff_index(request: Request) -> JSONResponse:
    """Active field staff (optionally of one team): the people a dispatcher can assign a case to."""
    await require_staff(request, "dispatcher", "admin")
    rows = await users.list_users(request.app.state.db, role="field", team=request.query_params.get("team") or None,
                                  active_only=True)
    return JSONResponse({"staff": [{"id": r["id"], "username": r["username"], "display_name": r["display_name"], "team": r["team"]}
                                   for r in rows]})


routes = [
    Route("/api/teams", teams_index),
    Route("/api/staff", staff_index),
]
