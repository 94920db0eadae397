"""Several server processes on one PostgreSQL database: live streams across them, exactly-once pushes, a killed
worker, a lost LISTEN connection, and a log cursor that never skips an event. Each worker here is a real
``mashangban serve`` on its own port, as behind a load balancer."""
from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest

from sync.names import M, R
from tests.support.clients import SyncClient
from tests.support.databases import needs_postgres, new_database, query
from tests.support.server import RunningServer, free_port, start_server
from tests.support.sse import open_stream

@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[RunningServer, RunningServer]]:
    """Two workers on one database (the first seeds the demo data)."""
    a = start_server(tmp_path)
    b = start_server(tmp_path, db=a.db, demo=False)
    yield a, b
    for worker in (a, b):
        worker.stop()


@asynccontextmanager
async def staff(server: RunningServer, username: str = "dispatcher") -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}, timeout=10) as http:
        r = await http.post("/api/auth/login", json={"username": username, "password": "demo1234"})
        assert r.status_code == 200, r.text
        yield http


def report(mid: int) -> dict[str, Any]:
    args = {"id": str(uuid.uuid4()), "track_token": uuid.uuid4().hex, "site": "BL-TX-001", "category": "consult",
            "description": "路灯不亮"}
    return {"mid": mid, "name": M.create, "args": args, "hlc": f"{time.time_ns() // 1_000_000}-{mid:04x}"}


@needs_postgres
async def test_a_push_through_one_worker_reaches_streams_held_by_the_other(
        workers: tuple[RunningServer, RunningServer]) -> None:
    a, b = workers
    async with staff(b) as desk_b, open_stream(desk_b, "/api/events") as board, \
            httpx.AsyncClient(base_url=a.url, timeout=10) as anonymous_a, \
            httpx.AsyncClient(base_url=b.url, timeout=10) as anonymous_b:
        case = await SyncClient(anonymous_a).report()
        event = await board.next(timeout=5)
        assert (event.id, event.event, event.data["case_id"]) == (case.seq, M.create, case.case_id)
        async with open_stream(anonymous_b, f"/api/track/{case.track_token}/events") as tracking, \
                staff(a) as desk_a:
            accepted = await SyncClient(desk_a).push(M.accept, id=case.case_id)
            step = await tracking.next(timeout=5)
        assert (step.id, step.event, step.data["status"]) == (accepted, M.accept, "accepted")
        assert (await board.next(timeout=5)).id == accepted


@needs_postgres
async def test_one_clients_batch_sent_to_two_workers_at_once_applies_once(
        workers: tuple[RunningServer, RunningServer]) -> None:
    a, b = workers
    # A dispatcher's console (staff write without rate limits), signed in on both workers.
    async with staff(a) as desk_a, staff(b) as desk_b:
        for round_ in range(8):
            client_id = uuid.uuid4().hex
            batch = [report(mid) for mid in range(1, 21)]
            longer = batch + [report(mid) for mid in range(21, 26)]
            # The same first 20 to both, one of them with 5 more: whoever commits first, each mid applies once.
            sent = (batch, longer) if round_ % 2 else (longer, batch)
            answers = await asyncio.gather(*(desk.post("/api/sync/push", json={"client_id": client_id, "mutations": m})
                                             for desk, m in zip((desk_a, desk_b), sent)))
            assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
            statuses: dict[int, list[str]] = {}
            for r in answers:
                for result in r.json()["results"]:
                    statuses.setdefault(result["mid"], []).append(result["status"])
            assert all(s.count(R.applied) == 1 for s in statuses.values()), statuses
            assert max(r.json()["last_mid"] for r in answers) == 25
            ledger = query(a.db, "SELECT mid FROM mutations WHERE client_id = ? ORDER BY mid", (client_id,))
            assert [row["mid"] for row in ledger] == list(range(1, 26))
            made = query(a.db, "SELECT COUNT(*) AS n FROM cases WHERE created_by_client = ?", (client_id,))
            assert made[0]["n"] == 25


@needs_postgres
async def test_a_worker_killed_under_load_loses_no_acknowledged_write_and_its_streams_resume_elsewhere(
        workers: tuple[RunningServer, RunningServer]) -> None:
    a, b = workers
    acknowledged: list[str] = []  # case ids whose push answered 200
    kill_at = 30

    async def resident(http: httpx.AsyncClient) -> None:
        """A phone pushing reports one by one; when its worker dies it sends the same batch to the other."""
        client_id, base = uuid.uuid4().hex, a.url
        for mid in range(1, 16):
            m = report(mid)
            while True:
                try:
                    r = await http.post(f"{base}/api/sync/push", json={"client_id": client_id, "mutations": [m]})
                except httpx.TransportError:
                    base = b.url  # the load balancer's next choice
                    continue
                assert r.status_code == 200, r.text
                acknowledged.append(m["args"]["id"])
                break
            if len(acknowledged) == kill_at:
                a.process.send_signal(signal.SIGKILL)

    async with staff(a) as desk_a, open_stream(desk_a, "/api/events") as board, \
            httpx.AsyncClient(timeout=30) as http:
        received: list[int] = []
        load = asyncio.gather(*(resident(http) for _ in range(6)))
        try:
            while True:
                received.append((await board.next(timeout=10)).id)
        except (httpx.HTTPError, EOFError):
            pass  # the worker died under the stream
        await load
    a.process.wait()
    everything = [r["seq"] for r in query(b.db, "SELECT seq FROM events ORDER BY seq")]
    made = {r["id"] for r in query(b.db, "SELECT id FROM cases")}
    assert set(acknowledged) <= made and len(acknowledged) == 6 * 15
    assert received and received == everything[:len(received)]  # in order, from the first, none twice
    async with staff(b) as desk_b, open_stream(desk_b, "/api/events", last_id=received[-1]) as resumed:
        rest = [e.id for e in await resumed.events(len(everything) - len(received), timeout=10)]
    assert received + rest == everything


@needs_postgres
async def test_a_lost_listen_connection_catches_up_from_the_log(workers: tuple[RunningServer, RunningServer]) -> None:
    a, b = workers
    async with staff(b) as desk_b, open_stream(desk_b, "/api/events") as board, \
            httpx.AsyncClient(base_url=a.url, timeout=10) as anonymous_a:
        first = await SyncClient(anonymous_a).report()
        assert (await board.next()).id == first.seq
        listeners = query(a.db, "SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity"
                                " WHERE datname = current_database() AND query ILIKE 'LISTEN%'")
        assert len(listeners) == 2 and all(r["gone"] for r in listeners)  # both workers' LISTEN connections
        # Written while no one listens: the notifications are lost, the events are in the log.
        missed = [(await SyncClient(anonymous_a).report()).seq for _ in range(5)]
        got = [e.id for e in await board.events(5, timeout=10)]
        assert got == missed
        later = await SyncClient(anonymous_a).report()
        assert (await board.next()).id == later.seq  # and nothing twice
        health = httpx.get(f"{b.url}/healthz").json()
        assert health["listener"]["connected"] and health["listener"]["reconnects"] >= 1


@needs_postgres
def test_serve_runs_several_workers_on_postgres_and_replaces_one_that_dies(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "workers.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "server", "--db", new_database(tmp_path, "w"), "serve",
                                    "--demo", "--workers", "2", "--port", str(port), "--log-level", "warning"],
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        pids = wait_for_workers(log, 2)
        wait_healthy(url)
        signed_in = httpx.post(f"{url}/api/auth/login", json={"username": "admin", "password": "demo1234"},
                               headers={"Origin": url})
        assert signed_in.status_code == 200
        seen = set()
        for _ in range(60):  # each a new connection, so the kernel may hand it to either worker
            with httpx.Client(base_url=url, cookies=signed_in.cookies) as http:
                seen.add(http.get("/healthz").json()["pid"])
                assert http.get("/api/auth/me").status_code == 200  # the same worker: one key signs for all
        assert seen == set(pids)  # both served
        os_kill(pids[0])
        replaced = wait_for_workers(log, 3)
        assert replaced[2] not in pids[:2]
        wait_healthy(url)
        assert httpx.get(f"{url}/api/sites").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_sqlite_with_several_workers_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "server", "--db", str(tmp_path / "one.db"), "serve",
                             "--workers", "2"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "PostgreSQL" in result.stderr and "--workers" in result.stderr


def wait_for_workers(log: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = [int(line.split()[1]) for line in log.read_text().splitlines() if line.endswith(" started")]
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} workers started:\n{log.read_text()}")


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the workers never answered /healthz")


def os_kill(pid: int) -> None:
    import os

    os.kill(pid, signal.SIGKILL)
