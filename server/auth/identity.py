"""Resolve the staff user behind a request: a signed session cookie, or a field phone's device token."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from starlette.requests import Request

from server.auth import tokens
from server.errors import ApiError
from server.storage import users
from sync.actor import RESIDENT, STAFF, Actor


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    display_name: str
    role: str
    team: str | None
    device_id: int | None = None
    session: str | None = None  # the SHA-256 of the session token, when signed in by cookie


async def staff_from_request(request: Request) -> StaffUser | None:
    """The signed-in staff user, or None. Resolved once per request and cached on ``request.state``."""
    if hasattr(request.state, "staff"):
        return request.state.staff  # type: ignore[no-any-return]
    row, session = None, None
    db = request.app.state.db
    auth = request.headers.get("authorization", "")
    config = request.app.state.config
    if auth.lower().startswith("bearer "):
        row = await users.user_for_device(db, tokens.digest(auth[7:].strip()), config.device_token_days)
        if row is not None and _stale(row["device_seen"]):
            async with db.write() as conn:
                await users.touch_device(conn, row["device_id"])
    else:
        cookie = request.cookies.get(tokens.SESSION_COOKIE)
        if cookie:
            token = tokens.unsign(request.app.state.secret_key, cookie, config.session_hours * 3600)
            if token is not None:
                session = tokens.digest(token)
                row = await users.user_for_session(db, session)
    staff = None
    if row is not None:
        staff = StaffUser(id=row["id"], username=row["username"], display_name=row["display_name"],
                          role=row["role"], team=row["team"], device_id=row["device_id"],
                          session=session if row["device_id"] is None else None)
    request.state.staff = staff
    return staff


# Each use of a device token renews it; writing that down once an hour is enough for a lifetime counted in days,
# and spares the writer a transaction per request.
_RENEW_EVERY = timedelta(hours=1)


def _stale(last_seen: str | None) -> bool:
    if last_seen is None:
        return True
    return datetime.now(timezone.utc) - datetime.fromisoformat(last_seen) >= _RENEW_EVERY


async def require_staff(request: Request, *roles: str) -> StaffUser:
    """The signed-in staff user if their role is one of ``roles`` (any staff role when none are named)."""
    staff = await staff_from_request(request)
    if staff is None:
        raise ApiError(401, "unauthorized", "请先登录")
    if roles and staff.role not in roles:
        raise ApiError(403, "forbidden", "您的角色无权执行此操作")
    return staff


async def actor_for(request: Request, client_id: str) -> Actor:
    """The caller as the sync engine sees it: signed-in staff (session cookie or device token), else the resident
    whose browser names itself ``client_id``.

    A device token that no longer resolves (signed out, revoked) is refused, not taken for a resident: a field
    phone's queued actions would otherwise be refused for good as a resident's, and its pulls answered."""
    staff = await staff_from_request(request)
    if staff is None:
        if request.headers.get("authorization", "").lower().startswith("bearer "):
            raise ApiError(401, "unauthorized", "设备登录已失效，请重新登录")
        return Actor(RESIDENT, client_id)
    return Actor(STAFF, client_id, user_id=staff.id, username=staff.username, role=staff.role, team=staff.team,
                 device_id=staff.device_id)
