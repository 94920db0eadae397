"""Admin API for staff accounts: list, add, edit (role, team, disable), reset password."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.admin import users as admin_users
from server.auth import require_staff
from server.body import json_object
from server.events.gate import stream_gate
from server.storage import users

# Changes after which a user's open event streams must end: they were opened with the rights the user had.
_STREAM_CHANGES = ("role", "team", "active")


async def _end_streams(request: Request, username: str) -> None:
    row = await users.get_user(request.app.state.db, username)
    if row is not None:
        stream_gate(request.app.state).revoke(user_id=row["id"])


async def index(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    rows = await users.list_users(request.app.state.db)
    return JSONResponse({"users": [admin_users.user_dict(r) for r in rows]})


async def create(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    user = await admin_users.add(request.app.state.db, await json_object(request, max_bytes=4096))
    return JSONResponse({"user": user}, status_code=201)


async def edit(request: Request) -> JSONResponse:
    staff = await require_staff(request, "admin")
    data = await json_object(request, max_bytes=4096)
    user = await admin_users.edit(request.app.state.db, request.path_params["username"], data, staff.username)
    if any(k in data for k in _STREAM_CHANGES):
        await _end_streams(request, user["username"])
    return JSONResponse({"user": user})


async def reset_password(request: Request) -> JSONResponse:
    await require_staff(request, "admin")
    user = await admin_users.reset_password(request.app.state.db, request.path_params["username"],
                                            await json_object(request, max_bytes=4096))
    await _end_streams(request, user["username"])  # signed out everywhere: its streams too
    return JSONResponse({"user": user})


routes = [
    Route("/api/admin/users", index),
    Route("/api/admin/users", create, methods=["POST"]),
    Route("/api/admin/users/{username}", edit, methods=["PATCH"]),
    Route("/api/admin/users/{username}/password", reset_password, methods=["POST"]),
]
