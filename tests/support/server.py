"""The real application on a free port, for browser tests.

``demo_app(db)`` builds the app the CLI's ``serve --demo`` builds (demo data seeded into ``db``), and
``serve(app)`` runs any ASGI app (that one, or it wrapped by test middleware) under uvicorn in a thread, yields
its base URL once ``/healthz`` answers, and stops it afterwards::

    with serve(demo_app(tmp_path / "t.db")) as base_url:
        page.goto(base_url + "/s/BL-TX-001")

``start_server(tmp)`` runs ``mashangban serve`` as a subprocess instead, for tests that need a separate process.
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from server import demo, settings
from server.app import create_app
from server.storage import Database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_app(db: Path) -> Starlette:
    """The real app on the SQLite file ``db``, seeded with the demo data (as ``serve --demo`` does)."""
    config = settings.load(environ={}, db=str(db))

    async def seed() -> None:
        async with Database(config.db, synchronous=config.sqlite_synchronous) as database:
            await demo.seed(database, config.demo_password)

    # In a thread of its own: the Playwright sync API keeps an event loop running in the test's thread.
    failure: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(failure, lambda: asyncio.run(seed())))
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return create_app(config)


def _capture(failure: list[BaseException], fn: Callable[[], object]) -> None:
    try:
        fn()
    except BaseException as exc:  # handed to the caller's thread, which raises it
        failure.append(exc)


@contextmanager
def serve(app: ASGIApp, timeout: float = 10.0) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 and a free port; yields ``http://127.0.0.1:PORT``."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or not thread.is_alive():
                server.should_exit = True
                raise RuntimeError(f"server on port {port} did not answer /healthz within {timeout} s") from None
            time.sleep(0.05)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout)


@dataclass
class RunningServer:
    url: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(tmp: Path, *, demo: bool = True, env: dict[str, str] | None = None,
                 base_url: str | None = None) -> RunningServer:
    """Start ``python -m server serve`` on a free port and wait until ``/healthz`` answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db = tmp / "server.db"
    log = tmp / f"server-{port}.log"
    full_env = {**os.environ, "MASHANGBAN_BASE_URL": base_url or url, **(env or {})}
    cmd = [sys.executable, "-m", "server", "--db", str(db), "serve", "--port", str(port), "--log-level", "warning"]
    if demo:
        cmd.append("--demo")
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    server = RunningServer(url=url, db=db, process=process, log=log, env=full_env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer /healthz within 30 s:\n{log.read_text()}")
