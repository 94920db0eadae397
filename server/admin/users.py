"""Staff accounts: add, change role or team, disable, enable, reset password (``/api/admin/users``, and the
``mashangban user`` commands, which go through the same checks)."""
from __future__ import annotations

import asyncio
import re
from typing import Any

from server.body import bool_field, choice_field, only_fields, string_field, text_field
from server.errors import ApiError
from server.password_policy import MAX_LENGTH, password_problem
from server.passwords import hash_password
from server.storage import Database, reference, users

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def user_dict(row: Any) -> dict[str, Any]:
    return {"username": row["username"], "display_name": row["display_name"], "role": row["role"],
            "team": row["team"], "active": bool(row["active"]), "locked_until": row["locked_until"],
            "created_at": row["created_at"]}


async def _password_hash(data: dict[str, Any], username: str, display_name: str) -> str:
    """The hash of the request's password, which must pass the policy (``server.password_policy``)."""
    password = string_field(data, "password", max_len=MAX_LENGTH) or ""
    problem = password_problem(password, username, display_name)
    if problem:
        raise ApiError(400, "weak_password", problem, field="password")
    # scrypt takes tens of milliseconds: off the event loop.
    return await asyncio.to_thread(hash_password, password)


def _role_and_team(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    role = choice_field(data, "role", users.ROLES, required=creating)
    if role is not None:
        row["role"] = role
    if "team" in data:
        row["team"] = string_field(data, "team", required=False, max_len=32) or None
    name = text_field(data, "display_name", required=creating, max_len=60)
    if name is not None:
        row["display_name"] = name
    return row


async def _check_team(conn: Any, team: str | None) -> None:
    if team and team not in await reference.existing_codes(conn, "teams"):
        raise ApiError(400, "invalid_args", f"队伍“{team}”不存在", field="team")


async def add(db: Database, data: dict[str, Any]) -> dict[str, Any]:
    only_fields(data, ("username", "display_name", "role", "team", "password"))
    username = (string_field(data, "username", max_len=32) or "").strip()
    if not USERNAME_RE.match(username):
        raise ApiError(400, "invalid_args", "用户名只能用小写字母、数字、点、下划线和连字符，2–32 个字符", field="username")
    row = _role_and_team(data, creating=True)
    password_hash = await _password_hash(data, username, row["display_name"])
    async with db.write() as conn:
        if username in await users.existing_usernames(conn):
            raise ApiError(409, "exists", f"用户“{username}”已存在", field="username")
        await _check_team(conn, row.get("team"))
        await users.insert_user(conn, username, row["display_name"], row["role"], row.get("team"), password_hash)
    return user_dict(await users.get_user(db, username))


async def edit(db: Database, username: str, data: dict[str, Any], acting_username: str) -> dict[str, Any]:
    """Change name, role, team or ``active``; disabling revokes every session and device of the user."""
    only_fields(data, ("display_name", "role", "team", "active"))
    row = _role_and_team(data, creating=False)
    active = bool_field(data, "active", required=False)
    if username == acting_username and (active is False or row.get("role", "admin") != "admin"):
        raise ApiError(409, "self_lockout", "不能停用自己的账号或取消自己的管理员角色")
    async with db.write() as conn:
        await _check_team(conn, row.get("team"))
        if not await users.update_user(conn, username, row):
            raise ApiError(404, "not_found", f"用户“{username}”不存在")
        if active is not None:
            await users.set_active(conn, username, active)
        if await users.count_active_admins(conn) == 0:
            raise ApiError(409, "last_admin", "至少要保留一个启用的管理员账号")
    return user_dict(await users.get_user(db, username))


async def reset_password(db: Database, username: str, data: dict[str, Any]) -> dict[str, Any]:
    """Set a new password, clear a lock-out, and sign the user out everywhere (they use the new one)."""
    only_fields(data, ("password",))
    found = await users.get_user(db, username)
    password_hash = await _password_hash(data, username, found["display_name"] if found else "")
    async with db.write() as conn:
        if not await users.set_password(conn, username, password_hash):
            raise ApiError(404, "not_found", f"用户“{username}”不存在")
        found = await users.user_id(conn, username)
        assert found is not None
        await users.revoke_all(conn, found)
    return user_dict(await users.get_user(db, username))
