"""Staff sign-in: sessions, device tokens, lock-out, the Origin check, and the user CLI."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import AsyncIterator

import httpx
import pytest

from server import demo, settings
from server.app import create_app
from tests.support.databases import new_database

ORIGIN = "http://testserver"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.load({}, database_url=new_database(tmp_path, "auth"), base_url=ORIGIN, login_max_failures=3))
    async with app.router.lifespan_context(app):
        await demo.seed(app.state.db, "demo-pass-1")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN,
                                     headers={"Origin": ORIGIN}) as c:
            yield c


async def login(c: httpx.AsyncClient, username: str = "dispatcher", password: str = "demo-pass-1",
                **extra: object) -> httpx.Response:
    return await c.post("/api/auth/login", json={"username": username, "password": password, **extra})


async def test_login_sets_an_httponly_samesite_cookie_and_me_answers(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/auth/me")).status_code == 401
    r = await login(client)
    assert r.status_code == 200 and r.json()["user"]["role"] == "dispatcher"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "device_token" not in r.json()
    me = await client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["user"]["username"] == "dispatcher"


async def test_logout_ends_the_session_even_for_a_copied_cookie(client: httpx.AsyncClient) -> None:
    await login(client)
    copied = dict(client.cookies)
    assert (await client.post("/api/auth/logout")).status_code == 200
    assert (await client.get("/api/auth/me")).status_code == 401
    client.cookies.update(copied)
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_wrong_password_and_unknown_user_answer_alike_then_lock(client: httpx.AsyncClient) -> None:
    unknown = await login(client, username="nobody")
    wrong = await login(client, password="wrong")
    assert unknown.status_code == wrong.status_code == 401 and unknown.json() == wrong.json()
    await login(client, password="wrong")
    await login(client, password="wrong")
    locked = await login(client)  # the right password, but after 3 failures
    assert locked.status_code == 423 and locked.json()["error"] == "locked"


async def test_device_token_is_a_revocable_bearer(client: httpx.AsyncClient) -> None:
    r = await login(client, "field1", device=True)
    token = r.json()["device_token"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/auth/me", headers=bearer)
    assert me.status_code == 200 and me.json() == {
        "user": {"username": "field1", "display_name": "天鑫社区网格员 张敏", "role": "field", "team": "TX-WG"},
        "device": True}
    assert (await client.post("/api/auth/logout", headers=bearer)).status_code == 200
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 401
    assert (await client.get("/api/auth/me", headers={"Authorization": "Bearer forged"})).status_code == 401


async def test_cross_origin_post_with_cookie_is_refused(client: httpx.AsyncClient) -> None:
    await login(client)
    r = await client.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error"] == "bad_origin"
    r = await client.post("/api/auth/logout", headers={"Origin": ""})
    assert r.status_code == 403
    assert (await client.get("/api/auth/me")).status_code == 200  # nothing changed


async def test_malformed_login_bodies_get_json_errors(client: httpx.AsyncClient) -> None:
    for body in (b"not json", b"[1,2]", b'{"username": 5, "password": "x"}', b'{"password": "x"}'):
        r = await client.post("/api/auth/login", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"] in {"bad_json", "invalid_args"}, body
    r = await client.post("/api/auth/login", content=b"x" * 10_000)
    assert r.status_code == 413


def test_user_cli_add_passwd_disable(tmp_path: Path) -> None:
    db = new_database(tmp_path, "cli")

    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "server", "--db", db, "user", *args], input=stdin,
                              capture_output=True, text=True, timeout=60)

    assert cli("add", "wang", "--role", "dispatcher", "--password-stdin", stdin="short\n").returncode == 1
    assert cli("add", "wang", "--role", "dispatcher", "--password-stdin", stdin="long-enough-1\n").returncode == 0
    dup = cli("add", "wang", "--role", "field", "--password-stdin", stdin="long-enough-1\n")
    assert dup.returncode == 1 and "已存在" in dup.stderr
    assert cli("passwd", "wang", "--password-stdin", stdin="long-enough-2\n").returncode == 0
    assert cli("passwd", "nobody", "--password-stdin", stdin="long-enough-2\n").returncode == 1
    assert cli("disable", "wang").returncode == 0

    from server.passwords import verify_password
    from tests.support.databases import query

    [row] = query(db, "SELECT active, password_hash FROM users WHERE username='wang'")
    active, stored = row["active"], row["password_hash"]
    assert active == 0 and verify_password("long-enough-2", stored) and not verify_password("long-enough-1", stored)
