"""Live event streams at scale, beside sse-starlette measured in the same run. Prints figures; not a timed test.

For each N, two servers run in turn, each a fresh ``uvicorn`` subprocess (one process, one event loop, uvloop
and httptools as ``mashangban serve`` uses them) with its own database:
- ours: ``GET /api/events`` as shipped: the hub encodes each event once and queues the same bytes for every
  stream (bounded queues, slow streams cut loose), each stream a plain ASGI response;
- the baseline: a bench-only route with one sse-starlette ``EventSourceResponse`` per subscriber, its own
  unbounded ``asyncio.Queue``, and the event encoded (``json.dumps`` + ``ServerSentEvent``) per subscriber.
Both sign the subscriber in the same way (session cookie, ``require_staff``) and ping at the same interval.

N subscribers are real TCP connections from separate client processes (asyncio protocols on uvloop, parsing the
``id:`` lines; no HTTP library, so the client side stays cheap). The server publishes M events, one every
``--interval`` seconds, through a bench-only route that exists only in this script's server. Latency is from
the server's clock just before ``publish`` to the client's on arrival (one machine, one clock).
Memory per connection is the server's RSS with all N connected and idle, minus its RSS before, over N.
``srv us/msg`` is the server's CPU time (user + system) while the events were delivered, over the deliveries:
unlike latency, it does not depend on what else the machine is doing. The CPU % columns are the share of one
core each side used meanwhile: the side near 100 % sets the pace; both low with high latency means the
processes waited for a core (other work on the machine).

    python bench/sse.py [--subscribers 1000,5000,10000] [--events 20] [--interval 0.5] [--clients 2]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password"
IMPLS = {"ours": "/api/events", "sse-starlette": "/bench/baseline"}
_ID = re.compile(rb"id: (\d+)\r?\nevent")


def _raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- the server (a subprocess): the app as shipped, plus the bench-only publish and baseline routes ---------

def serve(db: str, port: int, ping_s: float) -> None:
    from contextlib import asynccontextmanager
    from typing import AsyncIterator

    from sse_starlette import EventSourceResponse, ServerSentEvent
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from server import demo, settings
    from server.app import create_app
    from server.auth import require_staff
    from server.serve import run

    _raise_fd_limit(65536)
    # Every subscriber comes from 127.0.0.1: lift the per-address cap on staff streams for the benchmark.
    app = create_app(settings.load({}, database_url=db, sqlite_synchronous="OFF", sse_ping_s=ping_s,
                                   base_url=f"http://127.0.0.1:{port}", sse_staff_streams_per_address=10**9))
    baseline: set[asyncio.Queue[dict[str, Any]]] = set()
    seqs = itertools.count(1)

    async def baseline_events(request: Request) -> EventSourceResponse:
        await require_staff(request)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        baseline.add(queue)

        async def events() -> AsyncIterator[ServerSentEvent]:
            try:
                while True:
                    event = await queue.get()
                    yield ServerSentEvent(data=json.dumps(event, ensure_ascii=False), id=str(event["seq"]),
                                          event=event["type"])
            finally:
                baseline.discard(queue)

        return EventSourceResponse(events(), ping=ping_s)

    async def publish(request: Request) -> JSONResponse:
        count, interval = int(request.query_params["count"]), float(request.query_params["interval"])
        sent = []
        for _ in range(count):
            seq = next(seqs)
            event = {"seq": seq, "type": "case.note", "case_id": "bench", "site": "BL-TX-001",
                     "community": "天鑫社区", "team": "TX-WG", "status": "in_progress",
                     "created_at": "2026-11-27T00:00:00.000Z"}
            sent.append((seq, time.time()))
            if request.query_params["impl"] == "ours":
                app.state.hub.publish([event])
            else:
                for queue in baseline:
                    queue.put_nowait(event)
            await asyncio.sleep(interval)
        return JSONResponse({"sent": sent})

    app.router.routes[:0] = [Route("/bench/baseline", baseline_events), Route("/bench/publish", publish, methods=["POST"])]
    lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def seeded(app_: Any) -> AsyncIterator[None]:
        async with lifespan(app_):
            await demo.seed(app.state.db, PASSWORD)
            yield

    app.router.lifespan_context = seeded
    run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, backlog=4096)


# --- the subscribers (one or more subprocesses) ------------------------------------------------------------

class Subscriber(asyncio.Protocol):
    """One SSE connection: sends the request, waits for a 200, then notes when each event id first arrives."""

    def __init__(self, request: bytes, ready: asyncio.Future[bool]) -> None:
        self.request = request
        self.ready = ready
        self.head = b""
        self.tail = b""
        self.arrived: dict[int, float] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.ready.done():
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            self.head, _, data = self.head.partition(b"\r\n\r\n")
            self.ready.set_result(self.head.startswith(b"HTTP/1.1 200"))
        # Keep a little of the previous read: an id line may be split between two reads.
        text = self.tail + data
        for match in _ID.finditer(text):
            self.arrived.setdefault(int(match.group(1)), now)
        self.tail = text[-40:]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_result(False)


async def subscribe(port: int, path: str, cookie: str, n: int) -> None:
    loop = asyncio.get_running_loop()
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
               f"Cookie: {cookie}\r\n\r\n").encode()
    gate = asyncio.Semaphore(200)  # connections being opened at once; the server's backlog is 4096
    subscribers: list[Subscriber] = []
    transports = []

    async def one() -> bool:
        async with gate:
            ready: asyncio.Future[bool] = loop.create_future()
            try:
                transport, sub = await loop.create_connection(lambda: Subscriber(request, ready), "127.0.0.1", port)
            except OSError:
                return False
            transports.append(transport)
            subscribers.append(sub)
            return await asyncio.wait_for(ready, 60)

    started = time.monotonic()
    results = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    ok = sum(r is True for r in results)
    print(json.dumps({"ok": ok, "failed": n - ok, "seconds": time.monotonic() - started}), flush=True)
    order = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    sent, deadline = {int(s): t for s, t in order["sent"]}, order["deadline"]
    while time.time() < deadline and not all(len(s.arrived) >= len(sent) for s in subscribers):
        await asyncio.sleep(0.05)
    latencies = [round((t - sent[seq]) * 1000, 2) for s in subscribers for seq, t in s.arrived.items() if seq in sent]
    print(json.dumps({"latencies_ms": latencies}), flush=True)
    for transport in transports:
        transport.close()


# --- the controller ----------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))] if sorted_values else float("nan")


def run_one(impl: str, n: int, events: int, interval: float, clients: int, ping_s: float) -> dict[str, Any]:
    import httpx
    import psutil

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, __file__, "_serve", "--db", str(Path(tmp) / "b.db"),
                                   "--port", str(port), "--ping", str(ping_s)])
        procs: list[subprocess.Popen[str]] = []
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the bench server did not start")
                time.sleep(0.1)
            login = httpx.post(url + "/api/auth/login", json={"username": "admin", "password": PASSWORD},
                               headers={"Origin": url})
            cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
            sproc = psutil.Process(server.pid)
            rss_before = sproc.memory_info().rss
            shares = [n // clients + (i < n % clients) for i in range(clients)]
            for share in shares:
                procs.append(subprocess.Popen(
                    [sys.executable, __file__, "_subscribe", "--port", str(port), "--path", IMPLS[impl],
                     "--cookie", cookie, "--n", str(share)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
            connected = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
            time.sleep(2)  # let the last streams settle into their idle state
            rss_idle = sproc.memory_info().rss
            cprocs = [psutil.Process(p.pid) for p in procs]
            cpu_before = [sum(p.cpu_times()[:2]) for p in [sproc, *cprocs]]
            wall = time.monotonic()
            sent = httpx.post(url + f"/bench/publish?count={events}&interval={interval}&impl={impl}",
                              headers={"Origin": url}, timeout=events * interval + 60).json()["sent"]
            order = json.dumps({"sent": sent, "deadline": time.time() + 20}) + "\n"
            for p in procs:
                p.stdin.write(order)  # type: ignore[union-attr]
                p.stdin.flush()  # type: ignore[union-attr]
            latencies = sorted(x for p in procs for x in json.loads(p.stdout.readline())["latencies_ms"])  # type: ignore[union-attr]
            wall = time.monotonic() - wall
            cpu_after = [sum(p.cpu_times()[:2]) for p in [sproc, *cprocs]]
            rss_end = sproc.memory_info().rss
        finally:
            for p in procs:
                p.kill()
                p.wait()
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    ok = sum(c["ok"] for c in connected)
    return {
        "impl": impl, "n": n, "connected": ok, "connect_s": max(c["seconds"] for c in connected),
        "kb_per_conn": (rss_idle - rss_before) / max(ok, 1) / 1024,
        "rss_idle_mb": rss_idle / 2**20, "rss_end_mb": rss_end / 2**20,
        "p50": _percentile(latencies, 0.50), "p99": _percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else float("nan"),
        "delivered": len(latencies) / max(ok * events, 1),
        "server_cpu": (cpu_after[0] - cpu_before[0]) / wall,
        "server_us": (cpu_after[0] - cpu_before[0]) / max(len(latencies), 1) * 1e6,
        "client_cpu": max(after - before for after, before in zip(cpu_after[1:], cpu_before[1:])) / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", default="1000,5000,10000", help="comma-separated N")
    parser.add_argument("--events", type=int, default=20, help="events published per run (M)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two events")
    parser.add_argument("--clients", type=int, default=2, help="subscriber processes sharing the N connections")
    parser.add_argument("--impl", default=",".join(IMPLS), help="which of: " + ", ".join(IMPLS))
    parser.add_argument("--ping", type=float, default=15, help="keep-alive interval of both servers, seconds")
    args = parser.parse_args()
    limit = _raise_fd_limit(65536)
    sizes = [int(x) for x in args.subscribers.split(",")]
    print(f"# {os.cpu_count()} cores, open-file limit {limit}; M={args.events} events, one every "
          f"{args.interval} s; {args.clients} subscriber processes; load average before: "
          f"{os.getloadavg()[0]:.1f} (other work on the machine skews latency, not memory)", flush=True)
    header = (f"{'impl':<14}{'N':>7}{'connected':>10}{'connect s':>10}{'KB/conn':>9}{'RSS MB':>8}"
              f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'delivered':>10}{'srv us/msg':>11}{'srv CPU':>8}{'cli CPU':>8}")
    print(header, flush=True)
    for n in sizes:
        if n // args.clients + 100 > limit:
            print(f"# N={n}: skipped, {n // args.clients} connections per process exceed the open-file limit {limit}")
            continue
        for impl in args.impl.split(","):
            r = run_one(impl, n, args.events, args.interval, args.clients, args.ping)
            print(f"{r['impl']:<14}{r['n']:>7}{r['connected']:>10}{r['connect_s']:>10.1f}{r['kb_per_conn']:>9.1f}"
                  f"{r['rss_idle_mb']:>8.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}"
                  f"{r['delivered']:>10.1%}{r['server_us']:>11.1f}{r['server_cpu']:>8.0%}{r['client_cpu']:>8.0%}",
                  flush=True)
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        a = argparse.ArgumentParser()
        a.add_argument("--db")
        a.add_argument("--port", type=int)
        a.add_argument("--ping", type=float)
        ns = a.parse_args(sys.argv[2:])
        serve(ns.db, ns.port, ns.ping)
    elif len(sys.argv) > 1 and sys.argv[1] == "_subscribe":
        a = argparse.ArgumentParser()
        for name in ("--port", "--n"):
            a.add_argument(name, type=int)
        a.add_argument("--path")
        a.add_argument("--cookie")
        ns = a.parse_args(sys.argv[2:])
        _raise_fd_limit(65536)
        import uvloop

        uvloop.run(subscribe(ns.port, ns.path, ns.cookie, ns.n))
    else:
        main()
