"""``GET /api/events`` over real TCP: live delivery, replay on reconnect, filters, roles, pings, slow clients.

Every event is made by the sync engine from a push, and published by the push handler, as in production.
"""
from __future__ import annotations

import asyncio
import socket
import time
import uuid
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import httpx
import pytest

from server import settings
from sync.actor import RESIDENT, Actor
from sync.apply import Options, apply_push
from sync.names import M
from tests.support.clients import SyncClient
from tests.support.databases import new_database
from tests.support.live import LiveApp, signed_in, start_demo
from tests.support.sse import open_stream

CONTACT = {"name": "王芳", "phone": "13800000000"}


def start(tmp_path: Path, **overrides: object) -> LiveApp:
    return start_demo(settings.load({}, database_url=new_database(tmp_path, "events"), **overrides))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    running = start(tmp_path, sse_replay_page=3)
    yield running
    running.stop()


@pytest.fixture
async def dispatcher(live: LiveApp) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(live, "dispatcher") as http:
        yield http


@pytest.fixture
async def resident(live: LiveApp) -> AsyncIterator[SyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        yield SyncClient(http)


async def test_live_events_arrive_in_order_with_staff_fields_and_no_contact(
        resident: SyncClient, dispatcher: httpx.AsyncClient) -> None:
    await resident.report()  # before the stream opened: not sent to a client that has no position
    async with open_stream(dispatcher, "/api/events") as stream:
        assert stream.response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert stream.response.headers["cache-control"] == "no-store"
        case = await resident.report(contact=CONTACT)
        accepted = await SyncClient(dispatcher).push(M.accept, id=case.case_id)
        first, second = await stream.events(2)
    assert stream.last_id == second.id == accepted and first.id == case.seq
    assert (first.event, second.event) == ("case.create", "case.accept")
    time_ = second.data.pop("time")
    assert second.data == {"seq": accepted, "type": "case.accept", "case_id": case.case_id, "site": "BL-TX-001",
                           "community": "天鑫社区", "team": "TX-WG", "status": "accepted"}
    assert time_.startswith("20") and time_.endswith("Z")
    assert "13800000000" not in str(first.data) and "王芳" not in str(first.data)


async def test_a_new_stream_starts_at_the_newest_seq_so_a_lost_connection_still_replays(
        resident: SyncClient, dispatcher: httpx.AsyncClient) -> None:
    before = await resident.report()
    async with open_stream(dispatcher, "/api/events") as stream:
        later = await resident.report()
        assert (await stream.next()).id == later.seq
    async with open_stream(dispatcher, f"/api/events?last_event_id={before.seq}") as stream:
        assert (await stream.next()).id == later.seq


async def test_a_position_the_log_never_reached_starts_from_now(resident: SyncClient,
                                                               dispatcher: httpx.AsyncClient) -> None:
    head = await resident.report()
    async with open_stream(dispatcher, "/api/events", last_id=head.seq + 1000) as stream:  # e.g. a reset database
        later = await resident.report()
        assert (await stream.next()).id == later.seq
    assert stream.last_id == later.seq


async def test_a_client_that_reconnects_gets_exactly_what_it_missed_then_continues_live(
        resident: SyncClient, dispatcher: httpx.AsyncClient) -> None:
    async with open_stream(dispatcher, "/api/events") as stream:
        seen = await resident.report()
        assert (await stream.next()).id == seen.seq
        last = stream.last_id
    missed = [await resident.report() for _ in range(7)]  # more than two replay pages (3 each)
    async with open_stream(dispatcher, "/api/events", last_id=last) as stream:
        replayed = await stream.events(7)
        accepted = await SyncClient(dispatcher).push(M.accept, id=missed[0].case_id)
        after = await stream.next()
    assert [e.id for e in replayed] == [m.seq for m in missed]
    assert after.id == accepted and after.data["status"] == "accepted"


async def test_reconnecting_while_events_keep_coming_never_loses_or_repeats_one(
        resident: SyncClient, dispatcher: httpx.AsyncClient) -> None:
    case = await resident.report()
    total = 60

    async def write() -> list[int]:
        seqs = []
        for i in range(total):
            seqs.append(await resident.push(M.note, id=case.case_id, note_id=str(uuid.uuid4()), text=f"补充 {i}"))
            await asyncio.sleep(0.002 * (i % 5))
        return seqs

    written = asyncio.create_task(write())
    received: list[int] = []
    last_id = case.seq
    while len(received) < total:
        # Each connection reads a few events, then drops; the next resumes from the browser's Last-Event-ID.
        async with open_stream(dispatcher, "/api/events", last_id=last_id) as stream:
            for _ in range(min(7, total - len(received))):
                received.append((await stream.next()).id)
            last_id = stream.last_id
    assert received == await written


async def test_filters_by_site_community_and_team(resident: SyncClient, dispatcher: httpx.AsyncClient) -> None:
    async with open_stream(dispatcher, "/api/events?team=LT-WG") as by_team, \
            open_stream(dispatcher, "/api/events?site=BL-TX-002") as by_site, \
            open_stream(dispatcher, "/api/events?community=龙腾社区&site=BL-LT-004") as by_both:
        await resident.report("BL-TX-001")  # team TX-WG
        tx2 = await resident.report("BL-TX-002")  # team TX-WY
        lt = await resident.report("BL-LT-001")  # team LT-WG
        lt4 = await resident.report("BL-LT-004", category="help")  # team BL-DY, 龙腾社区
        assert (await by_team.next()).data["case_id"] == lt.case_id
        assert (await by_site.next()).data["case_id"] == tx2.case_id
        assert (await by_both.next()).data["case_id"] == lt4.case_id
        await resident.report("BL-LT-002")  # team LT-WY: none of the three
        end = await resident.report("BL-LT-003")  # team LT-WG
        assert (await by_team.next()).data["case_id"] == end.case_id  # nothing else came before it


async def test_only_staff_may_listen_and_field_staff_only_to_their_team(live: LiveApp,
                                                                        resident: SyncClient) -> None:
    async with httpx.AsyncClient(base_url=live.url) as anonymous:
        r = await anonymous.get("/api/events")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    async with signed_in(live, "field1") as field:  # team TX-WG
        refused = await field.get("/api/events?team=BL-DY")
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
        async with open_stream(field, "/api/events") as own, open_stream(field, "/api/events?team=TX-WG") as named:
            await resident.report(category="help")  # team BL-DY
            mine = await resident.report()  # team TX-WG
            assert (await own.next()).data["case_id"] == mine.case_id
            assert (await named.next()).data["case_id"] == mine.case_id
        bad = await field.get("/api/events", headers={"Last-Event-ID": "x"})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_args"
    async with signed_in(live, "drifter") as teamless:
        r = await teamless.get("/api/events")
        assert r.status_code == 403 and r.json()["error"] == "no_team"


async def test_field_replay_is_held_to_the_team_as_well(live: LiveApp, resident: SyncClient) -> None:
    await resident.report(category="help")  # team BL-DY
    mine = await resident.report()  # team TX-WG
    async with signed_in(live, "field1") as field, open_stream(field, "/api/events", last_id=0) as stream:
        assert (await stream.next()).data["case_id"] == mine.case_id


async def test_pings_keep_an_idle_stream_open(tmp_path: Path) -> None:
    live = start(tmp_path, sse_ping_s=0.05)
    try:
        async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as stream:
            with pytest.raises(asyncio.TimeoutError):
                await stream.next(timeout=0.5)
            assert stream.comments.count(": ping") >= 3
    finally:
        live.stop()


async def test_stopping_the_server_ends_open_streams(tmp_path: Path) -> None:
    live = start(tmp_path)
    async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as stream:
        stopping = asyncio.create_task(asyncio.to_thread(live.stop))
        with pytest.raises(EOFError):
            await stream.next(timeout=5)
        await asyncio.wait_for(stopping, 10)


async def test_a_slow_reader_is_cut_loose_without_slowing_the_others(tmp_path: Path) -> None:
    live = start(tmp_path, sse_queue_max=600)  # three pushes of 200: a reader that keeps up is never cut
    hub = live.app.state.hub
    try:
        async with signed_in(live, "admin") as admin, open_stream(admin, "/api/events") as fast, \
                httpx.AsyncClient(base_url=live.url) as anonymous:
            cookie = "; ".join(f"{k}={v}" for k, v in admin.cookies.items())
            slow = await asyncio.to_thread(_stalled_stream, live.url, cookie)
            await _until(lambda: hub.subscriber_count == 2)
            resident = SyncClient(anonymous)
            case = await resident.report()
            assert (await fast.next()).id == case.seq
            # Notes by the thousand (a long offline queue): the stalled reader cannot take them all.
            longest = await live.call(_flood(live, resident, case.case_id, 16_000))
            assert longest < 0.5, f"a publish took {longest:.3f} s"
            await _until(lambda: hub.cut_count == 1)
            assert hub.subscriber_count == 1
            received = [(await fast.next()).id for _ in range(16_000)]
            assert received == list(range(case.seq + 1, case.seq + 16_001))
            # The stalled client, reading at last, finds its stream ended; resuming from what it got replays the rest.
            got_last, ended = await asyncio.to_thread(_drain, slow)
            assert ended and case.seq <= got_last < received[-1]
            async with open_stream(admin, "/api/events", last_id=got_last) as resumed:
                rest = [e.id for e in await resumed.events(received[-1] - got_last)]
            assert rest == list(range(got_last + 1, received[-1] + 1))
    finally:
        live.stop()


async def _flood(live: LiveApp, client: SyncClient, case_id: str, count: int) -> float:
    """``count`` notes pushed 200 at a time through the engine and handed to the live feed as the push handler
    does; the slowest such call in seconds."""
    actor = Actor(RESIDENT, client.client_id)
    longest = 0.0
    for _ in range(count // 200):
        now_ms = time.time_ns() // 1_000_000
        mutations = []
        for _ in range(200):
            client.mid += 1
            mutations.append({"mid": client.mid, "name": M.note, "hlc": str(client.clock.tick(now_ms)),
                              "args": {"id": case_id, "note_id": str(uuid.uuid4()), "text": "又来了"}})
        outcome = await live.app.state.writes.run(
            lambda conn: apply_push(conn, actor, client.client_id, mutations, now_ms, Options()))
        started = time.perf_counter()
        live.app.state.feed.committed(outcome.notices)
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


async def _until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
