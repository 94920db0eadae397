"""A real server for tests: ``mashangban serve`` as a subprocess on a free port, with its own database."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
