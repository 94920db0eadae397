"""Sign-in against guessing, over a real server: parallel guesses are counted one by one, locks expire, unknown
usernames answer exactly like real ones, an address has its own limit, and password checks leave the event loop
free."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from server import passwords, settings
from tests.support.databases import new_database
from tests.support.live import PASSWORD, LiveApp, start_demo

MAX_FAILURES = 5


def start(tmp_path: Path, **overrides: Any) -> LiveApp:
    config = settings.load({}, database_url=new_database(tmp_path, "lockout"), login_max_failures=MAX_FAILURES, **overrides)
    return start_demo(config)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    running = start(tmp_path, login_failures_per_address=1000)
    yield running
    running.stop()


def browser(live: LiveApp, **extra: Any) -> httpx.AsyncClient:
    """A client that sends our own Origin, as the sign-in page does (a signed-in client's writes need it)."""
    return httpx.AsyncClient(base_url=live.url, timeout=60, headers={"Origin": live.url}, **extra)


async def login(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/api/auth/login", json={"username": username, "password": password})


async def statuses(http: httpx.AsyncClient, username: str, passwords_: list[str]) -> list[int]:
    return [(await login(http, username, p)).status_code for p in passwords_]


async def test_parallel_guesses_are_counted_one_by_one(live: LiveApp) -> None:
    tries = ["wrong-guess-%d" % i for i in range(99)]
    tries.insert(37, PASSWORD)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with browser(live, limits=limits) as http:
        answers = await asyncio.gather(*(login(http, "dispatcher", p) for p in tries))
        codes = [a.status_code for a in answers]
        assert set(codes) <= {200, 401, 423}
        assert codes.count(401) <= MAX_FAILURES and codes.count(200) <= 1
        assert codes.count(423) >= len(tries) - MAX_FAILURES - 1
        # The lock holds against the right password too.
        assert (await login(http, "dispatcher", PASSWORD)).status_code == 423


async def test_an_unknown_username_answers_exactly_like_a_real_one(live: LiveApp) -> None:
    checked: list[str] = []
    real_verify = passwords.verify_password

    def counting(password: str, stored: str) -> bool:
        checked.append(password)
        return real_verify(password, stored)

    async with browser(live) as http:
        sequences, bodies = [], []
        for username in ("field1", "no-such-user"):
            checked.clear()
            passwords.verify_password = counting  # observed, not replaced: the real check still runs
            try:
                answers = [await login(http, username, "wrong-guess") for _ in range(MAX_FAILURES + 2)]
            finally:
                passwords.verify_password = real_verify
            sequences.append([a.status_code for a in answers])
            bodies.append([a.json() for a in answers])
            # Every password until the lock is checked (a dummy hash for nobody); none after it.
            assert len(checked) == MAX_FAILURES
    assert sequences[0] == sequences[1] == [401] * MAX_FAILURES + [423, 423]
    assert bodies[0] == bodies[1]


async def test_a_lock_ends_when_it_expires_or_a_new_password_is_set(live: LiveApp) -> None:
    async with browser(live) as http:
        assert await statuses(http, "field2", ["wrong"] * MAX_FAILURES + [PASSWORD]) == [401] * MAX_FAILURES + [423]

        async def lock_period_passes() -> None:  # the clock moves on: the lock and its run lie in the past
            async with live.app.state.db.write() as conn:
                await conn.execute("UPDATE login_failures SET locked_until = '2000-01-01T00:15:00.000Z',"
                                   " first_failed_at = '2000-01-01T00:00:00.000Z'")

        await live.call(lock_period_passes())
        # One wrong password after the lock does not lock again: a new count has started.
        assert await statuses(http, "field2", ["wrong"] * (MAX_FAILURES - 1)) == [401] * (MAX_FAILURES - 1)
        assert (await login(http, "field2", PASSWORD)).status_code == 200
        # The success cleared the run it saw: four more failures still do not lock.
        assert await statuses(http, "field2", ["wrong"] * (MAX_FAILURES - 1) + [PASSWORD]) == [401] * (
            MAX_FAILURES - 1) + [200]
        # An admin's new password lifts a lock at once.
        await statuses(http, "field1", ["wrong"] * MAX_FAILURES)
        async with browser(live) as admin:
            assert (await login(admin, "admin", PASSWORD)).status_code == 200
            listed = {u["username"]: u for u in (await admin.get("/api/admin/users")).json()["users"]}
            assert listed["field1"]["locked_until"] and listed["field2"]["locked_until"] is None
            r = await admin.post("/api/admin/users/field1/password", json={"password": "Kapok-lane-318"})
            assert r.status_code == 200 and r.json()["user"]["locked_until"] is None
        assert (await login(http, "field1", "Kapok-lane-318")).status_code == 200


async def test_an_address_may_fail_only_so_often_whatever_the_usernames(tmp_path: Path) -> None:
    live = start(tmp_path, login_failures_per_address=3)
    try:
        async with browser(live) as http:
            for _ in range(5):  # successes cost the address nothing
                assert (await login(http, "dispatcher", PASSWORD)).status_code == 200
            assert [(await login(http, name, "wrong")).status_code for name in ("admin", "field1", "x1")] == [401] * 3
            refused = await login(http, "field2", PASSWORD)
            assert refused.status_code == 429 and refused.json()["error"] == "too_many_attempts"
            assert int(refused.headers["Retry-After"]) > 0 and "分钟" in refused.json()["message"]
    finally:
        live.stop()


async def test_password_checks_leave_the_server_free_and_run_a_few_at_a_time(tmp_path: Path) -> None:
    live = start(tmp_path, login_failures_per_address=1000, login_hash_workers=2)
    running, most = [0], [0]
    lock = threading.Lock()
    real_verify = passwords.verify_password

    def watched(password: str, stored: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return real_verify(password, stored)
        finally:
            with lock:
                running[0] -= 1

    passwords.verify_password = watched
    try:
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
        async with browser(live, limits=limits) as http:
            await http.get("/healthz")
            finished: list[str] = []

            async def one(name: str, path: str, body: dict[str, str] | None) -> None:
                r = await (http.post(path, json=body) if body else http.get(path))
                assert r.status_code in (200, 401)
                finished.append(name)

            guesses = [asyncio.create_task(one(f"login{i}", "/api/auth/login",
                                               {"username": f"user{i}", "password": "wrong"})) for i in range(30)]
            await asyncio.sleep(0.05)  # the guesses are in the server before the health check
            health = asyncio.create_task(one("healthz", "/healthz", None))
            await asyncio.gather(health, *guesses)
    finally:
        passwords.verify_password = real_verify
        live.stop()
    # /healthz is answered while most of the guesses still wait their turn for a password check.
    assert finished.index("healthz") < len(guesses) // 2, finished
    assert 1 <= most[0] <= 2
