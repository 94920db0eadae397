"""Staff sign-in API: ``POST /api/auth/login``, ``POST /api/auth/logout``, ``GET /api/auth/me``."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.auth import login as auth_login
from server.auth import require_staff, tokens
from server.body import json_object, string_field
from server.errors import ApiError
from server.events.gate import stream_gate
from server.ratelimit import client_address


def _user_json(username: str, display_name: str, role: str, team: str | None) -> dict[str, object]:
    return {"username": username, "display_name": display_name, "role": role, "team": team}


async def login(request: Request) -> JSONResponse:
    data = await json_object(request, max_bytes=4096)
    username = string_field(data, "username", max_len=64) or ""
    password = string_field(data, "password", max_len=256) or ""
    device = data.get("device", False)
    if not isinstance(device, (bool, str)):
        raise ApiError(400, "invalid_args", "字段 device 应为 true/false 或设备名称", field="device")
    device_name = (device if isinstance(device, str) else "field phone") if device else None
    config = request.app.state.config
    result = await auth_login.login(request.app.state.db, request.app.state, config, client_address(request),
                                    username.strip(), password, device_name)
    body: dict[str, object] = {"user": _user_json(result.username, result.display_name, result.role, result.team)}
    if result.device_token is not None:
        body["device_token"] = result.device_token
    response = JSONResponse(body)
    response.set_cookie(
        tokens.SESSION_COOKIE, tokens.sign(request.app.state.secret_key, result.session_token),
        max_age=config.session_hours * 3600, httponly=True, samesite="strict",
        secure=config.base_url.startswith("https://"), path="/",
    )
    return response


async def logout(request: Request) -> JSONResponse:
    staff = await require_staff(request)
    cookie = request.cookies.get(tokens.SESSION_COOKIE)
    session_token = tokens.unsign(request.app.state.secret_key, cookie, 10**9) if cookie else None
    await auth_login.logout(request.app.state.db, session_token, staff.device_id)
    # Live streams opened with this sign-in end now, not at their next check.
    stream_gate(request.app.state).revoke(session=tokens.digest(session_token) if session_token else None,
                                          device_id=staff.device_id)
    response = JSONResponse({"ok": True})
    response.delete_cookie(tokens.SESSION_COOKIE, path="/")
    return response


async def me(request: Request) -> JSONResponse:
    staff = await require_staff(request)
    return JSONResponse({"user": _user_json(staff.username, staff.display_name, staff.role, staff.team),
                         "device": staff.device_id is not None})


routes = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/me", me),
]
