"""Beyond one machine: (a) one process on SQLite beside (b) two workers on PostgreSQL, in one run. Prints figures;
not a timed test.

For each setup, fresh servers (``mashangban serve`` as shipped, on free ports) and a fresh database:
- **push**: ``--clients`` concurrent outboxes push batches of ``--batch`` ``case.create`` for ``--seconds``; in (b)
  half of them go to each worker. Throughput, latency, and CPU per mutation: the app's processes, and (b) the
  PostgreSQL server's (postmaster and every backend, from /proc), so it shows where the time goes.
- **delivery**: ``--subscribers`` staff event streams (real TCP connections from subscriber processes, those of
  ``bench/sse.py``), in (b) half on each worker; then ``--events`` notes pushed by a dispatcher one every
  ``--interval`` s, in (b) alternately through each worker. Latency is from just before the push is sent to the
  event's arrival on a stream (one machine, one clock), split into the push's answer (the commit) and the rest
  (NOTIFY, the feed's read of the log, the fan-out). In (b) it is reported for each worker's streams.

The targets: (b) delivers to streams on both workers with p99 under 1 s at 10,000 subscribers in total, and its
push CPU per mutation (app and database together) is within 2x of (a)'s. Needs PostgreSQL: ``--postgres`` names an
admin URL that may create databases; without one the script runs itself again inside ``pg_virtualenv`` (Debian's
postgresql-common), a throwaway cluster with the default settings (fsync on, as SQLite's synchronous=FULL).

    python bench/scale.py [--subscribers 10000] [--events 20] [--seconds 5] [--clients 16] [--batch 20]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.push import _UNLIMITED, Client, _cpu_seconds, _free_port  # noqa: E402
from bench.sse import _raise_fd_limit  # noqa: E402

PASSWORD = "bench-password"
_ENV = {**_UNLIMITED, "MASHANGBAN_DEMO_PASSWORD": PASSWORD,
        # every subscriber comes from 127.0.0.1: lift the per-address cap on staff streams
        "MASHANGBAN_SSE_STAFF_STREAMS_PER_ADDRESS": "1000000000", "PYTHONPATH": str(ROOT),
        "MASHANGBAN_SECRET_KEY": uuid.uuid4().hex}  # the same on every worker, as in production


def start_worker(db: str, folder: Path, demo: bool) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "server", "--db", db, "serve", "--port", str(port), "--log-level", "warning"]
    with open(folder / f"worker-{port}.log", "wb") as out:
        process = subprocess.Popen(cmd + (["--demo"] if demo else []), stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT, env={**os.environ, **_ENV})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / f"worker-{port}.log").read_text())
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return url, process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"worker on {url} did not start")


ROLES = ("writer", "reader", "listener", "other")


def postgres_pids(admin: str) -> dict[str, list[int]]:
    """The PostgreSQL server's processes by what they serve: each worker's writer, readers and listener (by their
    application_name), and the rest (the postmaster, WAL writer, checkpointer, autovacuum…)."""
    import psutil
    import psycopg

    with psycopg.connect(admin) as conn:
        data = conn.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'").fetchone()[0]  # type: ignore[index]
        names = dict(conn.execute("SELECT pid, application_name FROM pg_stat_activity").fetchall())
    master = psutil.Process(int((Path(data) / "postmaster.pid").read_text().split()[0]))
    found: dict[str, list[int]] = {role: [] for role in ROLES}
    for pid in [master.pid, *(c.pid for c in master.children(recursive=True))]:
        role = str(names.get(pid, "")).removeprefix("mashangban ")
        found[role if role in ROLES else "other"].append(pid)
    return found


def cpu_of(pids: list[int] | dict[str, list[int]]) -> float:
    if isinstance(pids, dict):
        return sum(cpu_of(p) for p in pids.values())
    total = 0.0
    for pid in pids:
        try:
            total += _cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass  # a backend that ended: its time is lost from the sum, so the database column can only read low
    return total


async def push_load(urls: list[str], clients: int, batch: int, seconds: float, app_pids: list[int],
                    db_pids: dict[str, list[int]]) -> dict[str, Any]:
    latencies: list[float] = []
    done = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        stop = 0.0

        async def outbox(i: int) -> None:
            nonlocal done
            client, url = Client(), urls[i % len(urls)] + "/api/sync/push"
            while time.perf_counter() < stop:
                body = client.body(batch)
                t0 = time.perf_counter()
                r = await http.post(url, content=body, headers={"Content-Type": "application/json"})
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200 or r.json()["last_mid"] != client.mid:
                    raise RuntimeError(f"push failed: {r.status_code} {r.text[:300]}")
                done += batch

        stop = time.perf_counter() + seconds / 4  # warm up
        await asyncio.gather(*(outbox(i) for i in range(clients)))
        latencies.clear()
        done = 0
        app0, t0 = cpu_of(app_pids), time.perf_counter()
        db0 = {role: cpu_of(pids) for role, pids in db_pids.items()}
        stop = t0 + seconds
        await asyncio.gather(*(outbox(i) for i in range(clients)))
        wall = time.perf_counter() - t0
        app = cpu_of(app_pids) - app0
        db = {role: (cpu_of(pids) - db0[role]) / done * 1e6 for role, pids in db_pids.items()}
    latencies.sort()
    return {"rate": done / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "app_us": app / done * 1e6,
            "db_us": sum(db.values()), "db": db}


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def delivery(urls: list[str], subscribers: int, events: int, interval: float, app_pids: list[int],
             db_pids: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Subscribers split over ``urls`` (two subscriber processes per worker); notes pushed through each in turn."""
    cookies = {}
    for url in urls:
        login = httpx.post(url + "/api/auth/login", json={"username": "admin", "password": PASSWORD},
                           headers={"Origin": url})
        cookies[url] = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
    procs: list[tuple[str, subprocess.Popen[str]]] = []
    share = subscribers // (2 * len(urls))
    for url in urls:
        for _ in range(2):
            procs.append((url, subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / "sse.py"), "_subscribe", "--port", url.rsplit(":", 1)[1],
                 "--path", "/api/events", "--cookie", cookies[url], "--n", str(share)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)))
    try:
        connected = [json.loads(p.stdout.readline()) for _, p in procs]  # type: ignore[union-attr]
        time.sleep(2)
        desk = httpx.Client(timeout=30)
        for url in urls:
            r = desk.post(url + "/api/auth/login", json={"username": "dispatcher", "password": PASSWORD},
                          headers={"Origin": url})
            assert r.status_code == 200, r.text
        client_id, case_id = uuid.uuid4().hex, str(uuid.uuid4())
        first = {"mid": 1, "name": "case.create", "hlc": f"{int(time.time() * 1000)}-0000",
                 "args": {"id": case_id, "track_token": uuid.uuid4().hex, "site": "BL-TX-001", "category": "noise",
                          "description": "夜间施工噪音"}}
        desk.post(urls[0] + "/api/sync/push", json={"client_id": client_id, "mutations": [first]},
                  headers={"Origin": urls[0]}).raise_for_status()
        time.sleep(1)
        cpu0 = cpu_of(app_pids), cpu_of(db_pids)
        sent: list[tuple[int, float]] = []
        acked: dict[int, float] = {}
        for i in range(events):
            url = urls[i % len(urls)]
            mutation = {"mid": i + 2, "name": "case.note", "hlc": f"{int(time.time() * 1000)}-{i:04x}",
                        "args": {"id": case_id, "note_id": str(uuid.uuid4()), "text": "现场已核实"}}
            t0 = time.time()
            r = desk.post(url + "/api/sync/push", json={"client_id": client_id, "mutations": [mutation]},
                          headers={"Origin": url})
            r.raise_for_status()
            seq = r.json()["cursor"]
            sent.append((seq, t0))
            acked[seq] = time.time() - t0
            time.sleep(max(0.0, interval - (time.time() - t0)))
        order = json.dumps({"sent": sent, "deadline": time.time() + 20}) + "\n"
        for _, p in procs:
            p.stdin.write(order)  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        by_url: dict[str, list[float]] = {url: [] for url in urls}
        for url, p in procs:
            by_url[url] += json.loads(p.stdout.readline())["latencies_ms"]  # type: ignore[union-attr]
        cpu1 = cpu_of(app_pids), cpu_of(db_pids)
    finally:
        for _, p in procs:
            p.kill()
            p.wait()
    ack = sorted(v * 1000 for v in acked.values())
    rows = []
    for url, latencies in by_url.items():
        latencies.sort()
        ok = sum(c["ok"] for (u, _), c in zip(procs, connected) if u == url)
        rows.append({"url": url, "subscribers": ok, "delivered": len(latencies) / max(ok * events, 1),
                     "ack_p50": statistics.median(ack), "p50": percentile(latencies, 0.5),
                     "p99": percentile(latencies, 0.99), "max": latencies[-1] if latencies else float("nan"),
                     "app_us": (cpu1[0] - cpu0[0]) / max(sum(len(v) for v in by_url.values()), 1) * 1e6,
                     "db_ms": (cpu1[1] - cpu0[1]) / events * 1000})
    return rows


def run_setup(name: str, db: str, workers: int, args: argparse.Namespace, admin: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="mashangban-scale-") as tmp:
        running = [start_worker(db, Path(tmp), demo=True)]
        running += [start_worker(db, Path(tmp), demo=False) for _ in range(workers - 1)]
        urls, app_pids = [u for u, _ in running], [p.pid for _, p in running]
        db_pids = postgres_pids(admin) if admin else {}  # after the workers connected: their backends too
        try:
            push = asyncio.run(push_load(urls, args.clients, args.batch, args.seconds, app_pids, db_pids))
            print(f"{name:<22} push  {push['rate']:>8.0f} mut/s  p50 {push['p50']:>7.1f} ms  p99 {push['p99']:>7.1f} ms"
                  f"  CPU/mutation: app {push['app_us']:>6.0f} us + database {push['db_us']:>6.0f} us"
                  f" = {push['app_us'] + push['db_us']:>6.0f} us", flush=True)
            if push["db"]:
                print(f"{'':<22}       database CPU/mutation by connection: " + ", ".join(
                    f"{role} {us:.0f} us" for role, us in push["db"].items()), flush=True)
            for row in delivery(urls, args.subscribers, args.events, args.interval, app_pids, db_pids):
                print(f"{name:<22} live  {row['subscribers']:>6} streams on {row['url']}: delivered"
                      f" {row['delivered']:>7.1%}  push answered p50 {row['ack_p50']:>6.1f} ms; arrival p50"
                      f" {row['p50']:>7.1f} ms  p99 {row['p99']:>7.1f} ms  max {row['max']:>7.1f} ms;"
                      f" app CPU {row['app_us']:>5.1f} us/delivery, database {row['db_ms']:>5.1f} ms/event", flush=True)
        finally:
            for _, process in running:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000, help="event streams in total")
    parser.add_argument("--events", type=int, default=20, help="notes pushed while the streams listen")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two of them")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds of push load")
    parser.add_argument("--clients", type=int, default=16, help="concurrent outboxes pushing")
    parser.add_argument("--batch", type=int, default=20, help="mutations per push")
    parser.add_argument("--postgres", default=os.environ.get("MASHANGBAN_BENCH_POSTGRES"),
                        help="admin URL of a PostgreSQL server where the bench may create a database")
    args = parser.parse_args()
    if not args.postgres:
        if os.environ.get("PGHOST") or not shutil.which("pg_virtualenv"):
            raise SystemExit("需要 PostgreSQL：--postgres URL，或安装 postgresql（pg_virtualenv）")
        inner = "MASHANGBAN_BENCH_POSTGRES=postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/postgres exec \"$@\""
        return subprocess.call(["pg_virtualenv", "-t", "-o", "max_connections=200", "sh", "-c", inner, "sh",
                                sys.executable, __file__, *sys.argv[1:]])
    _raise_fd_limit(65536)  # the servers inherit it: each holds thousands of streams
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    target = args.postgres.rsplit("/", 1)[0] + "/" + name
    print(f"# {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; push: {args.clients} outboxes x"
          f" {args.batch} case.create for {args.seconds:g} s; live: {args.subscribers} staff streams, {args.events}"
          f" notes one every {args.interval:g} s", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="mashangban-scale-") as tmp:
            run_setup("(a) SQLite, 1 process", str(Path(tmp) / "scale.db"), 1, args, admin=None)
        run_setup("(b) PostgreSQL, 2 wkrs", target, 2, args, admin=args.postgres)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"# load average after {os.getloadavg()[0]:.1f}. 'app' is the server processes' CPU; 'database' the"
          " PostgreSQL server's (for SQLite it is inside 'app').")
    return 0


if __name__ == "__main__":
    sys.exit(main())
