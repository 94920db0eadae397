"""``GET /api/events`` over real TCP: live delivery, replay on reconnect, filters, roles, pings, slow clients."""
from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import AsyncIterator, Iterator

import httpx
import pytest

from server import demo, settings
from server.passwords import hash_password
from server.storage import users
from tests.support import caselog
from tests.support.live import LiveApp
from tests.support.sse import open_stream

PASSWORD = "demo-pass-1"


def start_live(tmp_path: Path, **overrides: object) -> LiveApp:
    live = LiveApp(settings.load({}, db=str(tmp_path / "events.db"), **overrides)).start()
    asyncio.run_coroutine_threadsafe(_prepare(live), live._loop).result(30)  # type: ignore[arg-type]
    return live


async def _prepare(live: LiveApp) -> None:
    db = live.app.state.db
    await demo.seed(db, PASSWORD)
    await caselog.create_tables(db)
    async with db.write() as conn:
        await users.insert_user(conn, "drifter", "未分队的网格员", "field", None, hash_password(PASSWORD))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    running = start_live(tmp_path, sse_replay_page=3)
    yield running
    running.stop()


@pytest.fixture
async def dispatcher(live: LiveApp) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(live, "dispatcher") as c:
        yield c


class signed_in:
    """An httpx client signed in as ``username`` (demo users, and ``drifter``: field staff with no team)."""

    def __init__(self, live: LiveApp, username: str) -> None:
        self.client = httpx.AsyncClient(base_url=live.url, headers={"Origin": live.url}, timeout=10)
        self.username = username

    async def __aenter__(self) -> httpx.AsyncClient:
        r = await self.client.post("/api/auth/login", json={"username": self.username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()


def add_case(live: LiveApp, case_id: str, **fields: object):  # type: ignore[no-untyped-def]
    return live.call(caselog.add_case(live.app.state.db, live.app.state.hub, case_id, **fields))  # type: ignore[arg-type]


def move(live: LiveApp, case_id: str, type: str, **fields: object):  # type: ignore[no-untyped-def]
    return live.call(caselog.move(live.app.state.db, live.app.state.hub, case_id, type, **fields))  # type: ignore[arg-type]


async def test_live_events_arrive_in_order_with_staff_fields_and_no_contact(live: LiveApp,
                                                                            dispatcher: httpx.AsyncClient) -> None:
    await add_case(live, "c0")  # before the stream: not sent to a client that has no position
    async with open_stream(dispatcher, "/api/events") as stream:
        assert stream.response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert stream.response.headers["cache-control"] == "no-store"
        created = await add_case(live, "c1")
        accepted = await move(live, "c1", "case.accept", status="accepted")
        first, second = await stream.events(2)
    assert stream.last_id == second.id == accepted["seq"] and first.id == created["seq"]
    assert (first.event, second.event) == ("case.create", "case.accept")
    assert second.data == {"seq": accepted["seq"], "type": "case.accept", "case_id": "c1", "site": "BL-TX-001",
                           "community": "天鑫社区", "team": "TX-WG", "status": "accepted",
                           "time": accepted["created_at"]}
    assert "13800000000" not in str(first.data) and "王芳" not in str(first.data)


async def test_a_new_stream_starts_at_the_newest_seq_so_a_lost_connection_still_replays(
        live: LiveApp, dispatcher: httpx.AsyncClient) -> None:
    head = await add_case(live, "c1")
    async with open_stream(dispatcher, "/api/events") as stream:
        later = await add_case(live, "c2")
        assert (await stream.next()).id == later["seq"]
    assert head["seq"] < later["seq"]
    async with open_stream(dispatcher, f"/api/events?last_event_id={head['seq']}") as stream:
        assert (await stream.next()).id == later["seq"]


async def test_a_client_that_reconnects_gets_exactly_what_it_missed_then_continues_live(
        live: LiveApp, dispatcher: httpx.AsyncClient) -> None:
    async with open_stream(dispatcher, "/api/events") as stream:
        seen = await add_case(live, "c1")
        assert (await stream.next()).id == seen["seq"]
        last = stream.last_id
    missed = [await add_case(live, f"m{i}") for i in range(7)]  # more than two replay pages (3 each)
    async with open_stream(dispatcher, "/api/events", last_id=last) as stream:
        replayed = await stream.events(7)
        live_one = await move(live, "m0", "case.accept", status="accepted")
        after = await stream.next()
    assert [e.id for e in replayed] == [m["seq"] for m in missed]
    assert after.id == live_one["seq"] and after.data["status"] == "accepted"


async def test_reconnecting_while_events_keep_coming_never_loses_or_repeats_one(live: LiveApp,
                                                                               dispatcher: httpx.AsyncClient) -> None:
    start = await add_case(live, "busy")
    total = 60

    async def writer() -> list[int]:
        seqs = []
        for i in range(total):
            seqs.append((await move(live, "busy", "case.note"))["seq"])
            await asyncio.sleep(0.002 * (i % 5))
        return seqs

    written = asyncio.create_task(writer())
    received: list[int] = []
    last_id = start["seq"]
    while len(received) < total:
        # Each connection reads a few events, then drops; the next resumes from the browser's Last-Event-ID.
        async with open_stream(dispatcher, "/api/events", last_id=last_id) as stream:
            for _ in range(min(7, total - len(received))):
                received.append((await stream.next()).id)
            last_id = stream.last_id
    assert received == await written


async def test_filters_by_site_community_and_team(live: LiveApp, dispatcher: httpx.AsyncClient) -> None:
    async with open_stream(dispatcher, "/api/events?team=LT-WG") as by_team, \
            open_stream(dispatcher, "/api/events?site=BL-TX-002") as by_site, \
            open_stream(dispatcher, "/api/events?community=龙腾社区&site=BL-LT-004") as by_both:
        await add_case(live, "tx")
        await add_case(live, "tx2", site="BL-TX-002", team="TX-WY")
        await add_case(live, "lt", site="BL-LT-001", community="龙腾社区", team="LT-WG")
        await add_case(live, "lt4", site="BL-LT-004", community="龙腾社区", team="BL-AJ")
        assert (await by_team.next()).data["case_id"] == "lt"
        assert (await by_site.next()).data["case_id"] == "tx2"
        assert (await by_both.next()).data["case_id"] == "lt4"
        await add_case(live, "end", site="BL-TX-002", community="龙腾社区", team="LT-WG")
        assert (await by_team.next()).data["case_id"] == "end"  # nothing else came before it


async def test_only_staff_may_listen_and_field_staff_only_to_their_team(live: LiveApp) -> None:
    async with httpx.AsyncClient(base_url=live.url) as anonymous:
        r = await anonymous.get("/api/events")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    async with signed_in(live, "field1") as field:  # team TX-WG
        refused = await field.get("/api/events?team=BL-DY")
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
        async with open_stream(field, "/api/events") as own, open_stream(field, "/api/events?team=TX-WG") as named:
            await add_case(live, "other", team="BL-DY")
            await add_case(live, "mine", team="TX-WG")
            assert (await own.next()).data["case_id"] == "mine"
            assert (await named.next()).data["case_id"] == "mine"
        assert (await field.get("/api/events?last_event_id=x")).status_code == 400
    async with signed_in(live, "drifter") as teamless:
        r = await teamless.get("/api/events")
        assert r.status_code == 403 and r.json()["error"] == "no_team"


async def test_field_replay_is_held_to_the_team_as_well(live: LiveApp) -> None:
    await add_case(live, "other", team="BL-DY")
    await add_case(live, "mine", team="TX-WG")
    async with signed_in(live, "field1") as field, open_stream(field, "/api/events", last_id=0) as stream:
        assert (await stream.next()).data["case_id"] == "mine"


async def test_pings_keep_an_idle_stream_open(tmp_path: Path) -> None:
    live = start_live(tmp_path, sse_ping_s=0.05)
    try:
        async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as stream:
            with pytest.raises(asyncio.TimeoutError):
                await stream.next(timeout=0.5)
            assert stream.comments.count(": ping") >= 3
    finally:
        live.stop()


async def test_stopping_the_server_ends_open_streams(tmp_path: Path) -> None:
    live = start_live(tmp_path)
    async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as stream:
        stopping = asyncio.create_task(asyncio.to_thread(live.stop))
        with pytest.raises(EOFError):
            await stream.next(timeout=5)
        await asyncio.wait_for(stopping, 10)


async def test_a_slow_reader_is_cut_loose_without_slowing_the_others(tmp_path: Path) -> None:
    live = start_live(tmp_path, sse_queue_max=20)
    try:
        async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as fast:
            cookie = "; ".join(f"{k}={v}" for k, v in admin.cookies.items())
            slow = await asyncio.to_thread(_stalled_stream, live.url, cookie)
            await _until(lambda: live.app.state.hub.subscriber_count == 2)
            await add_case(live, "flood")
            first = (await fast.next()).id
            # Many events at once (as after a long offline push): the stalled reader cannot take them.
            longest = await live.call(_flood(live, "flood", 20_000))
            assert longest < 0.5, f"publish took {longest:.3f} s"
            await _until(lambda: live.app.state.hub.cut_count == 1)
            assert live.app.state.hub.subscriber_count == 1
            last = first
            for _ in range(20_000):
                last = (await fast.next()).id
            assert last == first + 20_000
            # The stalled client, reading at last, finds its stream ended; resuming from what it got replays the rest.
            got_last, ended = await asyncio.to_thread(_drain, slow)
            assert ended and got_last < last
            async with open_stream(admin, "/api/events", last_id=got_last) as resumed:
                assert [e.id for e in await resumed.events(last - got_last)] == list(range(got_last + 1, last + 1))
    finally:
        live.stop()


async def _flood(live: LiveApp, case_id: str, count: int) -> float:
    """Append ``count`` events in one transaction, publish them in batches; the slowest publish call in seconds."""
    db, hub = live.app.state.db, live.app.state.hub
    async with db.write() as conn:
        await conn.executemany("INSERT INTO events(case_id, type) VALUES (?, 'case.note')",
                               [(case_id,)] * count)
    rows = await db.fetchall("SELECT e.seq, e.type, e.case_id, e.created_at, c.site, c.community, c.team, c.status"
                             " FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.seq DESC LIMIT ?", (count,))
    events = [dict(r) for r in reversed(rows)]
    longest = 0.0
    for i in range(0, count, 10):  # batches well under the queue bound, so a reader that keeps up is not cut
        started = time.perf_counter()
        hub.publish(events[i:i + 10])
        longest = max(longest, time.perf_counter() - started)
        await asyncio.sleep(0)
    return longest


def _stalled_stream(url: str, cookie: str) -> socket.socket:
    """A raw connection with a tiny receive buffer that reads the response head and then stops reading."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect((host, int(port)))
    sock.sendall(f"GET /api/events HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def _drain(sock: socket.socket) -> tuple[int, bool]:
    """Read the stalled stream to its end: the last ``id:`` it carried, and whether the response ended."""
    sock.settimeout(10)
    data = b""
    while not data.endswith(b"\r\n0\r\n\r\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    ids = [int(line[4:]) for line in data.split(b"\n") if line.startswith(b"id: ")]
    return ids[-1], data.endswith(b"\r\n0\r\n\r\n")


async def _until(condition, timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
