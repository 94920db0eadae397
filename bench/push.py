"""Push throughput over real HTTP, beside a floor measured in the same run. Prints figures; not a timed test.

Two servers run under uvicorn in subprocesses, each on a free port with its own fresh database and the same
SQLite settings (WAL, ``synchronous`` from the settings, FULL by default, foreign keys on):
- the app: ``python -m server serve --demo``, pushing to ``POST /api/sync/push``;
- the floor: a bare Starlette endpoint that parses the same JSON and, in one ``BEGIN IMMEDIATE`` transaction on
  the same single-writer ``Database``, inserts the same rows (case, event, ledger row, client watermark) with
  none of the engine's checks, merge rules or numbering.
Each cell sends batches of ``case.create`` for a few seconds from N concurrent clients (each a distinct
client_id with one request in flight, as a real outbox), from one httpx process. The client process's CPU use
is printed: near 100 % of one core means the load generator, not the server, set the pace.

    python bench/push.py [--seconds 4]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
CELLS = [(1, 1), (1, 32), (50, 1), (50, 32)]  # (mutations per push, concurrent clients)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def floor_app(db_path: str) -> Any:
    """The floor: the same rows as a push of ``case.create``, written without the engine."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from server import demo, settings
    from server.storage.sqlite import SqliteDatabase

    config = settings.load()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with SqliteDatabase(db_path, synchronous=config.sqlite_synchronous) as db:
            await demo.seed(db, "bench-password")
            app.state.db = db
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def push(request: Request) -> JSONResponse:
        body = await request.json()
        client_id, mutations = body["client_id"], body["mutations"]
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        async with request.app.state.db.write() as tx:
            rows = await tx.fetchall("SELECT last_mid FROM clients WHERE client_id = ?", (client_id,))
            last = rows[0][0] if rows else 0
            top = await tx.fetchall("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
            seq = top[0][0] if top else 0
            cases, events, ledger = [], [], []
            for i, m in enumerate(mutations, 1):
                a = m["args"]
                cases.append((a["id"], f"F-{client_id}-{m['mid']}", a["track_token"], a["site"], "天鑫社区",
                              a["category"], a["description"], "[]", "qr", "submitted", "TX-WY", "normal", now, now,
                              client_id, now, seq + i, m["hlc"], m["hlc"], m["hlc"], m["hlc"]))
                events.append((seq + i, a["id"], "case.create", json.dumps({"kind": "resident"}),
                               json.dumps(a, ensure_ascii=False), m["hlc"], client_id, m["mid"], now))
                ledger.append((client_id, m["mid"], "case.create", "applied", seq + i, seq + i))
            await tx.execute(
                "INSERT INTO clients(client_id, kind, last_mid) VALUES (?, 'resident', ?)"
                " ON CONFLICT(client_id) DO UPDATE SET last_mid = excluded.last_mid", (client_id, last + len(mutations)))
            await tx.executemany(
                "INSERT INTO cases(id, number, track_token, site, community, category, description, photos, channel,"
                " status, team, priority, response_due, resolution_due, created_by_client, created_at, updated_seq,"
                " assignee_rev, priority_rev, category_rev, location_rev)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cases)
            await tx.executemany(
                "INSERT INTO events(seq, case_id, type, actor, payload, hlc, client_id, mid, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
            await tx.executemany(
                "INSERT INTO mutations(client_id, mid, name, status, seq_from, seq_to) VALUES (?, ?, ?, ?, ?, ?)",
                ledger)
        return JSONResponse({"last_mid": last + len(mutations),
                             "results": [{"mid": m["mid"], "status": "applied"} for m in mutations],
                             "cursor": seq + len(mutations)})

    return Starlette(routes=[Route("/healthz", healthz), Route("/floor/push", push, methods=["POST"])],
                     lifespan=lifespan)


# The benchmark's few clients push far more cases than a resident may; lift the public-write limits for it.
_UNLIMITED = {"MASHANGBAN_RATE_CASES_PER_CLIENT": "1000000000", "MASHANGBAN_RATE_CASES_PER_ADDRESS": "1000000000",
              "MASHANGBAN_RATE_NEW_CLIENT_CASES": "1000000000"}


def _start(cmd: list[str], url: str, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), **_UNLIMITED})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


class Client:
    """One outbox: its own client_id and the next mid."""

    def __init__(self) -> None:
        self.client_id = uuid.uuid4().hex
        self.mid = 0

    def body(self, batch: int) -> bytes:
        mutations = []
        for _ in range(batch):
            self.mid += 1
            mutations.append({"mid": self.mid, "name": "case.create", "hlc": f"{int(time.time() * 1000)}-0000",
                              "args": {"id": str(uuid.uuid4()), "track_token": uuid.uuid4().hex, "site": "BL-TX-002",
                                       "category": "noise", "description": "小区门口夜间施工噪音扰民，请尽快处理"}})
        return json.dumps({"client_id": self.client_id, "mutations": mutations}, ensure_ascii=False).encode()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a server process has used: unlike wall time, it barely depends on
    what else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _cell(url: str, batch: int, concurrency: int, seconds: float, pid: int) -> dict[str, float]:
    latencies: list[float] = []
    done = 0
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        stop = 0.0

        async def worker(client: Client) -> None:
            nonlocal done
            while time.perf_counter() < stop:
                body = client.body(batch)
                t0 = time.perf_counter()
                r = await http.post(url, content=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200 or r.json()["last_mid"] != client.mid:
                    raise RuntimeError(f"push failed: {r.status_code} {r.text[:300]}")
                done += batch

        stop = time.perf_counter() + seconds / 4  # warm up: connections, caches, the first pages of the file
        await asyncio.gather(*(worker(Client()) for _ in range(concurrency)))
        latencies.clear()
        done = 0
        cpu0, server0, t0 = time.process_time(), _cpu_seconds(pid), time.perf_counter()
        stop = t0 + seconds
        await asyncio.gather(*(worker(Client()) for _ in range(concurrency)))
        wall, cpu, server = time.perf_counter() - t0, time.process_time() - cpu0, _cpu_seconds(pid) - server0
    latencies.sort()
    return {"rate": done / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, "cpu": cpu / wall,
            "server_us": server / done * 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measured seconds per cell (plus a quarter to warm up)")
    parser.add_argument("--floor", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        import uvicorn

        uvicorn.run(floor_app(args.floor[1]), host="127.0.0.1", port=int(args.floor[0]), log_level="warning")
        return 0

    with tempfile.TemporaryDirectory(prefix="mashangban-bench-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None) as tmp:
        app_port, floor_port = _free_port(), _free_port()
        app_url, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}"
        servers = [
            _start([sys.executable, "-m", "server", "--db", f"{tmp}/app.db", "serve", "--demo", "--port", str(app_port),
                    "--log-level", "warning"], app_url, Path(tmp) / "app.log"),
            _start([sys.executable, __file__, "--floor", str(floor_port), f"{tmp}/floor.db"], floor_url,
                   Path(tmp) / "floor.log"),
        ]
        try:
            print(f"push benchmark: {args.seconds:g} s per cell, SQLite synchronous="
                  f"{os.environ.get('MASHANGBAN_SQLITE_SYNCHRONOUS', 'FULL')}, database in {tmp}, {os.cpu_count()} CPUs,"
                  f" load average {os.getloadavg()[0]:.1f} (other work on the machine slows both columns)")
            print(f"{'batch':>5} {'clients':>7} | {'app mut/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'cpu us/m':>8}"
                  f" {'gen cpu':>7} | {'floor mut/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'cpu us/m':>8} {'gen cpu':>7} |"
                  f" {'rate app/floor':>14} {'cpu floor/app':>13}")
            for batch, clients in CELLS:
                app = asyncio.run(_cell(app_url + "/api/sync/push", batch, clients, args.seconds, servers[0].pid))
                floor = asyncio.run(_cell(floor_url + "/floor/push", batch, clients, args.seconds, servers[1].pid))
                print(f"{batch:>5} {clients:>7} | {app['rate']:>9.0f} {app['p50']:>7.2f} {app['p99']:>7.2f}"
                      f" {app['server_us']:>8.0f} {app['cpu']:>6.0%} | {floor['rate']:>11.0f} {floor['p50']:>7.2f}"
                      f" {floor['p99']:>7.2f} {floor['server_us']:>8.0f} {floor['cpu']:>6.0%} |"
                      f" {app['rate'] / floor['rate']:>14.2f} {floor['server_us'] / app['server_us']:>13.2f}", flush=True)
            print(f"load average at the end {os.getloadavg()[0]:.1f}; 'gen cpu' is the load generator's share of one"
                  " core (near 100 % means the client side set the pace)")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
