"""How a stream of failed sign-ins affects everyone else: ``/healthz`` latency while guesses arrive, beside the same
server at rest, measured in the same run. Prints figures; not a timed test.

One server, ``python -m server serve --demo``, on a free port with a fresh database (the per-address limit on
failed sign-ins lifted, so every guess reaches a password check). For each rate, a load generator sends failed
sign-ins for made-up usernames at that rate while a probe asks ``/healthz`` 20 times a second; the table shows
the probe's median and 99th percentile, and how many guesses were answered. Password checks run on
``login_hash_workers`` threads; run with ``MASHANGBAN_LOGIN_HASH_WORKERS=1`` and others to compare.

    python bench/login_flood.py [--seconds 5] [--rates 0,8,32]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MASHANGBAN_LOGIN_FAILURES_PER_ADDRESS": "1000000000"}
    log = open(tmp / "server.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "server", "--db", str(tmp / "bench.db"), "serve", "--demo",
                                "--port", str(port), "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT,
                               cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


async def _cell(url: str, rate: int, seconds: float) -> dict[str, float]:
    stop = time.monotonic() + seconds
    answered = 0
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        async def guess() -> None:
            nonlocal answered
            r = await http.post("/api/auth/login", json={"username": uuid.uuid4().hex[:12], "password": "wrong"})
            answered += r.status_code == 401

        async def flood() -> None:
            tasks = []
            while rate and time.monotonic() < stop:
                tasks.append(asyncio.create_task(guess()))
                await asyncio.sleep(1 / rate)
            await asyncio.gather(*tasks)

        async def probe() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                await http.get("/healthz")
                latencies.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.05)

        await asyncio.gather(flood(), probe())
    latencies.sort()
    return {"p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1],
            "guesses": answered / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rates", default="0,8,32", help="failed sign-ins per second; 0 is the server at rest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = _start(Path(tmp))
        try:
            print(f"# {os.cpu_count()} cores; login_hash_workers="
                  f"{os.environ.get('MASHANGBAN_LOGIN_HASH_WORKERS', '2 (default)')}; {args.seconds:.0f} s per row")
            print(f"{'guesses/s':>9} | {'healthz p50 ms':>14} {'p99 ms':>7} | {'401s answered/s':>15}")
            for rate in (int(r) for r in args.rates.split(",")):
                cell = asyncio.run(_cell(url, rate, args.seconds))
                print(f"{rate:>9} | {cell['p50']:>14.1f} {cell['p99']:>7.1f} | {cell['guesses']:>15.1f}", flush=True)
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
