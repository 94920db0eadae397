"""Running the app under uvicorn as a long-lived server of event streams.

uvicorn waits for every open response to finish before it runs the lifespan shutdown, and an event stream
never finishes by itself: :class:`Server` ends the streams first, or Ctrl-C would wait as long as any console
stayed open.
"""
from __future__ import annotations

import asyncio
import gc
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from server.ratelimit import proxy_options


# An open stream is about a hundred long-lived objects, so 10,000 streams are a million. With Python's default
# thresholds (700, 10, 10) the wake-ups of one publish set off dozens of collections, and every few events a full
# one walks all of them: the loop stopped for 1-2 s (bench/sse.py). Rarer young collections let the short-lived
# objects of a fan-out die first, and full collections become rare.
GC_THRESHOLDS = (50_000, 20, 100)


class Server(uvicorn.Server):
    """A uvicorn server that closes the app's event hub as soon as it is told to exit."""

    def __init__(self, app: Starlette, **config: object) -> None:
        options = {**proxy_options(app.state.config.trusted_proxies), **config}
        super().__init__(uvicorn.Config(app, **options))  # type: ignore[arg-type]
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
    """``uvicorn.run`` for our app in this process: ``config`` is uvicorn's (host, port, log_level…)."""
    gc.set_threshold(*GC_THRESHOLDS)
    Server(app, **config).run()
