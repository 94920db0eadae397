"""The app under uvicorn in a thread of the test process, so a test can write events and publish them itself.

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

from server import settings
from server.app import create_app
from server.serve import Server
from tests.support.server import free_port

T = TypeVar("T")


class LiveApp:
    """``create_app(config)`` served on a free port; ``call`` runs a coroutine on the server's event loop."""

    def __init__(self, config: settings.Config) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.app = create_app(config.replace(base_url=self.url))
        self.server = Server(self.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
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

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the server's loop (where the database and hub live) and await its result here."""
        assert self._loop is not None
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return await asyncio.wrap_future(future)

    def stop(self) -> None:
        self.server.handle_exit(signal.SIGINT, None)
        self._thread.join(timeout=10)
        if self._thread.is_alive():
            raise RuntimeError("the live server did not stop: an event stream kept it open")
