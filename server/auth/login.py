"""Signing in and out: password check with lock-out, session and device token issue, revocation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from server import settings
from server.auth import tokens
from server.errors import ApiError
from server.passwords import hash_password, verify_password
from server.storage import Database, users

# Verifying against a real hash for unknown users keeps the answer time the same, so usernames can't be probed.
_DUMMY_HASH = hash_password("not-a-user")


@dataclass(frozen=True)
class LoginResult:
    user_id: int
    username: str
    display_name: str
    role: str
    team: str | None
    session_token: str
    device_token: str | None


async def login(db: Database, config: settings.Config, username: str, password: str,
                device_name: str | None) -> LoginResult:
    row = await users.get_user(db, username)
    if row is None or not row["active"]:
        verify_password(password, _DUMMY_HASH)
        raise ApiError(401, "bad_credentials", "用户名或密码错误")
    if row["locked_until"] and row["locked_until"] > _now_iso():
        raise ApiError(423, "locked", f"连续登录失败次数过多，账号已锁定 {config.login_lock_minutes} 分钟，请稍后再试")
    if not verify_password(password, row["password_hash"]):
        async with db.write() as conn:
            await users.record_failed_login(conn, row["id"], config.login_max_failures, config.login_lock_minutes)
        raise ApiError(401, "bad_credentials", "用户名或密码错误")
    session_token = tokens.new_secret()
    device_token = tokens.new_secret() if device_name is not None else None
    async with db.write() as conn:
        await users.record_login(conn, row["id"])
        await users.insert_session(conn, tokens.digest(session_token), row["id"], config.session_hours)
        if device_token is not None:
            await users.insert_device(conn, tokens.digest(device_token), row["id"], device_name or "")
    return LoginResult(row["id"], row["username"], row["display_name"], row["role"], row["team"],
                       session_token, device_token)


async def logout(db: Database, session_token: str | None, device_id: int | None) -> None:
    async with db.write() as conn:
        if session_token:
            await users.revoke_session(conn, tokens.digest(session_token))
        if device_id is not None:
            await users.revoke_device(conn, device_id)


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
