"""Helpers for tests of the staff API: an app on a fresh database with the demo data, clients per role.

httpx's ASGITransport runs no lifespan, so the app's own lifespan is entered here around the client.
"""
from __future__ import annotations

import secrets
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
from starlette.applications import Starlette

from server import demo, settings
from server.app import create_app
from server.storage import database
from tests.support.databases import new_database

ORIGIN = "http://testserver"
PASSWORD = "demo1234"
ROLE_USERS = {"admin": "admin", "dispatcher": "dispatcher", "field": "field1"}


async def seed_demo(url: str) -> None:
    async with database(url) as db:
        await demo.seed(db, PASSWORD)


@asynccontextmanager
async def running_app(tmp_path: Path, **overrides: Any) -> AsyncIterator[Starlette]:
    """The app on a new database holding the demo data, its lifespan entered (``app.state.db`` open)."""
    url = new_database(tmp_path)
    await seed_demo(url)
    app = create_app(settings.load({}, database_url=url, base_url=ORIGIN, **overrides))
    async with app.router.lifespan_context(app):
        yield app


def client_for(app: Starlette, **headers: str) -> httpx.AsyncClient:
    """A same-origin client (the Origin header a browser sends from our own pages)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN,
                             headers={"Origin": ORIGIN, **headers})


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> None:
    response = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text


@asynccontextmanager
async def signed_in(app: Starlette, role: str) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as client:
        await login(client, ROLE_USERS[role])
        yield client


class Pusher:
    """Pushes mutations through the sync engine as one client (a resident's phone or a staff member's console),
    numbering them and stamping HLCs, the way the browser's outbox would."""

    def __init__(self, app: Starlette, actor: Any) -> None:
        self.app, self.actor, self.mid = app, actor, 0

    async def __call__(self, name: str, now_ms: int | None = None, **args: Any) -> dict[str, Any]:
        from sync.apply import apply_push

        now_ms = now_ms or int(time.time() * 1000)
        self.mid += 1
        mutation = {"mid": self.mid, "name": name, "args": args, "hlc": f"{now_ms:013d}-0000"}
        async with self.app.state.db.write() as conn:
            outcome = await apply_push(conn, self.actor, self.actor.client_id, [mutation], now_ms)
        return outcome.results[0]


def resident(app: Starlette) -> Pusher:
    from sync.actor import RESIDENT, Actor

    return Pusher(app, Actor(kind=RESIDENT, client_id=secrets.token_hex(16)))


async def staff_pusher(app: Starlette, username: str) -> Pusher:
    from sync.actor import STAFF, Actor

    row = await app.state.db.fetchone("SELECT id, role, team FROM users WHERE username = ?", (username,))
    return Pusher(app, Actor(kind=STAFF, client_id=secrets.token_hex(16), user_id=row["id"], username=username,
                             role=row["role"], team=row["team"]))


async def report(app: Starlette, site: str = "BL-TX-002", category: str = "env", now_ms: int | None = None,
                 **extra: Any) -> str:
    """A resident reports a case; returns its id."""
    case_id = str(uuid.uuid4())
    track_token = extra.pop("track_token", None) or secrets.token_hex(16)
    result = await resident(app)("case.create", now_ms=now_ms, id=case_id, track_token=track_token,
                                 site=site, category=category, description=extra.pop("description", "路灯不亮"),
                                 **extra)
    assert result["status"] == "applied", result
    return case_id
