"""A real server for tests, two ways, each on a free port with its own database (``tests/support/databases.py``:
a SQLite file, or a PostgreSQL database on the PostgreSQL pass).

- :func:`start_server`: ``mashangban serve`` as a subprocess, exactly as deployed.
- :func:`serve`: any ASGI app under uvicorn in a thread, for when a test must wrap the real app (fault
  injection, test-only pages); :func:`demo_app` builds the real app with the demo data, as ``--demo`` does::

      with serve(Faults(demo_app(new_database(tmp_path)))) as url:
          ...
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from server import demo, settings
from server.app import create_app, open_database
from tests.support.databases import new_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    db: str  # the database's URL (a SQLite path, or postgresql://…)
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
                 base_url: str | None = None, db: str | None = None, workers: int = 1) -> RunningServer:
    """Start ``python -m server serve`` on a free port and wait until ``/healthz`` answers. ``db`` defaults to a
    new database of the test's own; name another server's to run a second worker on the same data."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db = db or new_database(tmp, "server")
    log = tmp / f"server-{port}.log"
    full_env = {**os.environ, "MASHANGBAN_BASE_URL": base_url or url, **(env or {})}
    cmd = [sys.executable, "-m", "server", "--db", db, "serve", "--port", str(port), "--log-level", "warning"]
    if demo:
        cmd.append("--demo")
    if workers > 1:
        cmd += ["--workers", str(workers)]
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


def _in_thread(fn: Callable[[], object]) -> None:
    """Run ``fn`` in a thread of its own and re-raise its exception here. asyncio.run() cannot run in a test's
    thread while Playwright's sync API keeps an event loop running there."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def demo_app(db: str, **overrides: object) -> Starlette:
    """The real app on the database ``db`` (a URL from ``new_database``), seeded with the demo data; ``overrides``
    are settings."""
    config = settings.load(environ={}, database_url=db, **overrides)

    async def seed() -> None:
        async with open_database(config) as database:
            await demo.seed(database, config.demo_password)

    _in_thread(lambda: asyncio.run(seed()))
    return create_app(config)


@contextmanager
def serve(app: ASGIApp, timeout: float = 30.0) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 and a free port; yields its URL once ``/healthz`` answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"app on port {port} did not answer /healthz within {timeout} s")
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout)
