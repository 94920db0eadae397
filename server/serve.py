"""Running the app under uvicorn, so that open event streams end when the server is asked to stop.

uvicorn waits for every open response to finish before it runs the lifespan shutdown, and an event stream
never finishes by itself: without this, Ctrl-C would wait as long as any console stayed open.
"""
from __future__ import annotations

import asyncio
from types import FrameType

import uvicorn
from starlette.applications import Starlette


class Server(uvicorn.Server):
    """A uvicorn server that closes the app's event hub as soon as it is told to exit."""

    def __init__(self, app: Starlette, **config: object) -> None:
        super().__init__(uvicorn.Config(app, **config))  # type: ignore[arg-type]
        self._app = app
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Called from a signal handler or another thread: the hub is only touched on the loop's own thread.
        hub = getattr(self._app.state, "hub", None)
        if hub is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(hub.close)
        super().handle_exit(sig, frame)


def run(app: Starlette, **config: object) -> None:
    """``uvicorn.run`` for our app: ``config`` is uvicorn's (host, port, log_level…)."""
    Server(app, **config).run()
