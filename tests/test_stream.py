"""The stream's promise under any schedule: however writes interleave with the replay and the live part, and
whenever a client drops and comes back with its Last-Event-ID, it receives every event after its position
exactly once, in order. Driven as a plain ASGI app, with a real database and hub and no network."""
from __future__ import annotations

import asyncio
import itertools
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.events import Filter, Hub
from server.events.frames import STAFF
from server.events.stream import EventStream
from sync.names import M
from tests.support.databases import fresh_database, new_database
from tests.support.sync import Outbox, note_id, open_db, resident


class Peer:
    """One connection's client end: takes ``take`` events, then hangs up. What the server sends after that is
    lost, as on a real dropped connection; ``last_id`` is what a browser would send on reconnect."""

    def __init__(self, take: int, last_id: int, pauses: int) -> None:
        self.take = take
        self.pauses = pauses  # how long each send takes, in turns of the event loop
        self.last_id = last_id
        self.ids: list[int] = []
        self.gone = asyncio.Event()
        self._asked = False

    async def receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        for _ in range(self.pauses):
            await asyncio.sleep(0)
        if message["type"] != "http.response.body" or self.gone.is_set():
            return
        for block in message["body"].split(b"\n\n"):
            fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if line and not line.startswith(b":"))
            if b"id" in fields:
                self.last_id = int(fields[b"id"])
            if b"data" in fields and len(self.ids) < self.take:
                self.ids.append(int(fields[b"id"]))
                if len(self.ids) == self.take:
                    self.gone.set()
                    return


async def scenario(url: str, page: int, chunks: list[tuple[int, int]], takes: list[tuple[int, int]]) -> None:
    db = await open_db(url)
    try:
        async with Hub(queue_max=10_000, ping_s=60) as hub:
            reporter = Outbox(resident())
            case_id = reporter.create()
            created = await reporter.push(db)
            hub.publish(created.notices)

            async def write() -> list[int]:
                seqs = []
                for count, pause in chunks:
                    for _ in range(count):
                        reporter.add(M.note, id=case_id, note_id=note_id(), text="补充说明")
                    outcome = await reporter.push(db)
                    hub.publish(outcome.notices)  # right after the commit, as the push handler does
                    seqs += [n["seq"] for n in outcome.notices]
                    for _ in range(pause):
                        await asyncio.sleep(0)
                return seqs

            writer = asyncio.create_task(write())
            total = sum(count for count, _ in chunks)
            received: list[int] = []
            last_id = created.notices[-1]["seq"]
            for take, pauses in itertools.cycle(takes):
                if len(received) == total:
                    break
                peer = Peer(min(take, total - len(received)), last_id, pauses)
                stream = EventStream(hub, db, Filter(), STAFF, last_id, page)
                await asyncio.wait_for(stream({"type": "http", "method": "GET"}, peer.receive, peer.send), 10)
                received += peer.ids
                last_id = peer.last_id
            assert received == await writer
            assert hub.subscriber_count == 0
    finally:
        await db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.integers(1, 5),
       chunks=st.lists(st.tuples(st.integers(1, 6), st.integers(0, 6)), min_size=1, max_size=8),
       takes=st.lists(st.tuples(st.integers(1, 9), st.sampled_from([0, 1, 5, 40])), min_size=1, max_size=6))
def test_reconnecting_clients_get_every_event_once_in_order(page: int, chunks: list[tuple[int, int]],
                                                           takes: list[tuple[int, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), "s") as url:
        asyncio.run(scenario(url, page, chunks, takes))


async def test_a_head_request_gets_the_headers_and_no_stream(tmp_path: Path) -> None:
    db = await open_db(new_database(tmp_path, "h"))
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        raise AssertionError("a HEAD answer reads nothing")

    try:
        async with Hub(queue_max=10, ping_s=60) as hub:
            await EventStream(hub, db, Filter(), STAFF, None, 10)({"type": "http", "method": "HEAD"}, receive, send)
            assert hub.subscriber_count == 0
    finally:
        await db.close()
    assert sent[0]["status"] == 200 and sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
