"""Running the app under uvicorn as a long-lived server of event streams, in one process or several.

uvicorn waits for every open response to finish before it runs the lifespan shutdown, and an event stream
never finishes by itself: :class:`Server` ends the streams first, or Ctrl-C would wait as long as any console
stayed open. :func:`run_workers` runs several such processes on one listening socket (PostgreSQL only).
"""
from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import secrets
import signal
import socket
import time
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from server import settings
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


def _worker(values: dict[str, Any], sock: socket.socket, options: dict[str, Any]) -> None:
    """One worker process: the app with the parent's settings, on the socket the parent bound."""
    from server.app import create_app

    gc.set_threshold(*GC_THRESHOLDS)
    Server(create_app(settings.Config(values)), **options).run(sockets=[sock])


def run_workers(config: settings.Config, workers: int, host: str, port: int, **options: Any) -> None:
    """Serve with ``workers`` processes sharing one listening socket; the kernel hands each new connection to one
    of them. A worker that dies is replaced; SIGINT or SIGTERM stops them all (each ends its streams first)."""
    multiprocessing.allow_connection_pickling()
    spawn = multiprocessing.get_context("spawn")
    if not config.secret_key:
        # One key for all of them, or a session signed by one worker would be refused by the next.
        config = config.replace(secret_key=secrets.token_urlsafe(32))
    sock = uvicorn.Config(None, host=host, port=port).bind_socket()  # type: ignore[arg-type]
    stopping = False

    def stop(sig: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    def start() -> multiprocessing.process.BaseProcess:
        process = spawn.Process(target=_worker, args=(dict(config.values), sock, options), daemon=False)
        process.start()
        print(f"worker {process.pid} started", flush=True)
        return process

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    started = [time.monotonic()] * workers
    try:
        while not stopping:
            time.sleep(0.2)
            for i, process in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                print(f"worker {process.pid} exited with {process.exitcode}; starting another", flush=True)
                if time.monotonic() - started[i] < 10:
                    time.sleep(2)  # one that fails at start (the database is down) is not restarted in a tight loop
                processes[i], started[i] = start(), time.monotonic()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
