"""The app under uvicorn in a thread of the test process, so a test can reach its hub and database directly.

``httpx.ASGITransport`` buffers whole responses and runs no lifespan, so event streams are tested over real
TCP against this server.
"""
from __future__ import annotations

import asyncio
import signal
import threading
import time
from concurrent.futures import Future
from typing import Any, Coroutine, TypeVar

import httpx

from server import demo, settings
from server.app import create_app
from server.passwords import hash_password
from server.serve import Server
from server.storage import users
from tests.support.server import free_port

T = TypeVar("T")
PASSWORD = "demo-pass-1"


class LiveApp:
    """``create_app(config)`` served on a free port; ``call`` runs a coroutine on the server's event loop."""

    def __init__(self, config: settings.Config) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.app = create_app(config.replace(base_url=self.url))
        self.server = Server(self.app, host="127.0.0.1", port=port, log_level="warning")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def serve() -> None:
            self._loop = asyncio.get_running_loop()
            await self.server.serve()

        asyncio.run(serve())

    def start(self) -> "LiveApp":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)
        return self

    def call_soon(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the server's loop (where the database and hub live) and await its result here."""
        return await asyncio.wrap_future(self.call_soon(coro))

    def stop(self) -> None:
        self.server.handle_exit(signal.SIGINT, None)
        self._thread.join(timeout=10)
        if self._thread.is_alive():
            raise RuntimeError("the live server did not stop: an event stream kept it open")


def start_demo(config: settings.Config) -> LiveApp:
    """A live server with the demo subdistrict, its staff (password ``PASSWORD``), and ``drifter``: field staff
    in no team."""
    live = LiveApp(config).start()

    async def seed() -> None:
        db = live.app.state.db
        await demo.seed(db, PASSWORD)
        async with db.write() as conn:
            await users.insert_user(conn, "drifter", "未分队的网格员", "field", None, hash_password(PASSWORD))

    live.call_soon(seed()).result(30)
    return live


class signed_in:
    """``async with signed_in(live, "dispatcher") as http``: an httpx client with that user's session."""

    def __init__(self, live: LiveApp, username: str) -> None:
        self.client = httpx.AsyncClient(base_url=live.url, headers={"Origin": live.url}, timeout=10)
        self.username = username

    async def __aenter__(self) -> httpx.AsyncClient:
        r = await self.client.post("/api/auth/login", json={"username": self.username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
