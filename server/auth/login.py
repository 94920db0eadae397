"""Signing in and out: password check with lock-out, session and device token issue, revocation.

Against guessing, in the order a sign-in meets them:
- a username whose lock is in force is answered 423 at once;
- an address may fail ``login_failures_per_address`` sign-ins per lock period (429 after that);
- the password is checked off the event loop, a few checks at a time (:class:`server.passwords.Checker`);
- then, in one write transaction, the lock is looked at again and the attempt recorded
  (``server.storage.login_failures.record``): parallel guesses are counted one by one, and at most
  ``login_max_failures`` of them are ever answered 401 before the lock.
A username that belongs to nobody (or to a disabled user) is checked against a dummy hash and counted and locked
exactly like a real one, so neither the answers nor their timing tell which usernames exist.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from starlette.datastructures import State

from server import ratelimit, settings
from server.auth import tokens
from server.errors import ApiError
from server.passwords import Checker, hash_password
from server.storage import Database, users
from server.storage import login_failures as failures
from server.storage.login_failures import LOCKED, SIGNED_IN

# A real hash to check unknown usernames against: the same work as for a real user.
_DUMMY_HASH = hash_password("not-a-user")
_BAD_CREDENTIALS = (401, "bad_credentials", "用户名或密码错误")


@dataclass(frozen=True)
class LoginResult:
    user_id: int
    username: str
    display_name: str
    role: str
    team: str | None
    session_token: str
    device_token: str | None


def _checker(state: State, config: settings.Config) -> Checker:
    checker: Checker | None = getattr(state, "password_checker", None)
    if checker is None:
        checker = state.password_checker = Checker(config.login_hash_workers)
    return checker


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _locked(config: settings.Config) -> ApiError:
    return ApiError(423, "locked", f"连续登录失败次数过多，账号已锁定 {config.login_lock_minutes} 分钟，请稍后再试")


def _address_budget(config: settings.Config, address: str) -> ratelimit.Want:
    """One attempt from ``address``, out of ``login_failures_per_address`` per lock period (in the database: every
    worker counts against the same budget)."""
    return ratelimit.Want(f"login:address:{address}", config.login_failures_per_address,
                          config.login_lock_minutes * 60)


async def login(db: Database, state: State, config: settings.Config, address: str, username: str, password: str,
                device_name: str | None) -> LoginResult:
    """Sign ``username`` in from ``address``, or raise :class:`ApiError` (401, 423 or 429)."""
    seen = await failures.current(db, username)
    if seen.locked(_iso(datetime.now(timezone.utc))):
        raise _locked(config)
    # The address pays for the attempt up front, so parallel guesses cannot all slip under its limit; a
    # success gives it back.
    budget = _address_budget(config, address)
    wait = await state.writes.run(lambda tx: ratelimit.take(tx, [budget], ratelimit.now_ms()))
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        error = ApiError(429, "too_many_attempts", f"此网络登录失败次数过多，请 {minutes} 分钟后再试",
                         retry_after=math.ceil(wait))
        error.headers["Retry-After"] = str(math.ceil(wait))
        raise error
    row = await users.get_user(db, username)
    known = row is not None and bool(row["active"])
    ok = await _checker(state, config).verify(password, row["password_hash"] if known else _DUMMY_HASH) and known
    now, period = datetime.now(timezone.utc), timedelta(minutes=config.login_lock_minutes)
    session_token = tokens.new_secret()
    device_token = tokens.new_secret() if device_name is not None else None
    async with db.write() as conn:
        outcome = await failures.record(conn, username, ok, seen, now=_iso(now), window_start=_iso(now - period),
                                        lock_until=_iso(now + period), max_failures=config.login_max_failures)
        if outcome == SIGNED_IN:
            assert row is not None
            await ratelimit.give_back(conn, budget, ratelimit.now_ms())
            await users.insert_session(conn, tokens.digest(session_token), row["id"], config.session_hours)
            if device_token is not None:
                await users.insert_device(conn, tokens.digest(device_token), row["id"], device_name or "")
    if outcome == LOCKED:
        raise _locked(config)
    if outcome != SIGNED_IN:
        raise ApiError(*_BAD_CREDENTIALS)
    assert row is not None
    return LoginResult(row["id"], row["username"], row["display_name"], row["role"], row["team"],
                       session_token, device_token)


async def logout(db: Database, session_token: str | None, device_id: int | None) -> None:
    async with db.write() as conn:
        if session_token:
            await users.revoke_session(conn, tokens.digest(session_token))
        if device_id is not None:
            await users.revoke_device(conn, device_id)
