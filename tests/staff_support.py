"""Helpers for tests of the staff API: an app on a fresh database with the demo data, clients per role.

httpx's ASGITransport runs no lifespan, so the app's own lifespan is entered here around the client.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
from starlette.applications import Starlette

from server import demo, settings
from server.app import create_app
from server.storage import Database

ORIGIN = "http://testserver"
PASSWORD = "demo1234"
ROLE_USERS = {"admin": "admin", "dispatcher": "dispatcher", "field": "field1"}


async def seed_demo(db_path: Path) -> None:
    async with Database(db_path) as db:
        await demo.seed(db, PASSWORD)


@asynccontextmanager
async def running_app(tmp_path: Path, **overrides: Any) -> AsyncIterator[Starlette]:
    """The app on a new database holding the demo data, its lifespan entered (``app.state.db`` open)."""
    db_path = tmp_path / "test.db"
    await seed_demo(db_path)
    app = create_app(settings.load({}, db=str(db_path), base_url=ORIGIN, **overrides))
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
