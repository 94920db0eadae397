"""A process's live feed from the log (several workers): told of a new ``seq`` it publishes what it has not yet, in
order; after its LISTEN connection was lost it catches up from its last ``seq``; nothing is lost or repeated.
The notifications are played by the test, so the lost ones are lost for certain."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from server.events import Filter, Hub, Subscription
from server.events.feed import LogFeed
from server.events.frames import STAFF
from server.storage import Database, replay
from sync.names import M
from tests.support.databases import new_database
from tests.support.sync import Outbox, note_id, open_db, resident


class Played:
    """The database, with the notifications its LISTEN connection would deliver played from a queue."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.notices: asyncio.Queue[str | bool] = asyncio.Queue()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    async def listen(self, channel: str) -> AsyncIterator[str | bool]:
        while True:
            yield await self.notices.get()


async def received(sub: Subscription, count: int) -> list[int]:
    seqs: list[int] = []
    while len(seqs) < count:
        seqs += [f.seq for f in await asyncio.wait_for(sub.next(), 5) if f.seq is not None]
    return seqs


async def nothing_more(sub: Subscription) -> None:
    try:
        frames = await asyncio.wait_for(sub.next(), 0.3)
    except asyncio.TimeoutError:
        return
    raise AssertionError(f"published again: {[f.seq for f in frames]}")


async def test_the_feed_catches_up_from_its_last_seq_after_a_lost_listen_connection(tmp_path: Path) -> None:
    db = await open_db(new_database(tmp_path, "feed"))
    played = Played(db)
    box = Outbox(resident())
    try:
        async with Hub(queue_max=100, ping_s=60) as hub:
            feed = await LogFeed(played, hub, page=3, retry_s=0.01).start()  # type: ignore[arg-type]
            sub = hub.subscribe(Filter(), STAFF)
            await played.notices.put(True)
            case_id = box.create()
            box.create()
            await box.push(db)  # committed by "another worker": this one only hears of it
            await played.notices.put("2")
            assert await received(sub, 2) == [1, 2]
            assert feed.health()["connected"]

            await played.notices.put(False)  # the LISTEN connection is gone, and with it what is sent meanwhile
            for _ in range(5):
                box.add(M.note, id=case_id, note_id=note_id(), text="补充")
            await box.push(db)
            await nothing_more(sub)
            assert not feed.health()["ok"] and feed.health()["reconnects"] == 1

            await played.notices.put(True)  # connected again: whatever the log holds past seq 2 follows, in order
            assert await received(sub, 5) == [3, 4, 5, 6, 7]
            await played.notices.put("5")  # a late notification of what it already has
            await nothing_more(sub)
            box.add(M.note, id=case_id, note_id=note_id(), text="再补充")
            await box.push(db)
            await played.notices.put("8")
            assert await received(sub, 1) == [8]
            await nothing_more(sub)
            assert feed.health() == {"ok": True, "kind": "listen", "connected": True, "last_seq": 8, "reconnects": 1}
            await feed.close()
    finally:
        await db.close()


async def test_a_commit_in_this_process_is_published_without_waiting_for_its_notification(tmp_path: Path) -> None:
    db = await open_db(new_database(tmp_path, "local"))
    played = Played(db)
    try:
        async with Hub(queue_max=100, ping_s=60) as hub:
            feed = await LogFeed(played, hub).start()  # type: ignore[arg-type]
            sub = hub.subscribe(Filter(), STAFF)
            box = Outbox(resident())
            box.create()
            outcome = await box.push(db)
            feed.committed(outcome.notices)
            assert await received(sub, 1) == [1]
            await feed.close()
    finally:
        await db.close()


async def test_a_worker_with_no_streams_reads_nothing_and_a_later_stream_misses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await open_db(new_database(tmp_path, "idle"))
    played = Played(db)
    reads: list[int] = []
    real = replay.events_between

    async def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(replay, "events_between", counted)
    try:
        async with Hub(queue_max=100, ping_s=60) as hub:
            feed = await LogFeed(played, hub, retry_s=0.01).start()  # type: ignore[arg-type]
            await played.notices.put(True)
            box = Outbox(resident())
            case_id = box.create()
            await box.push(db)
            await played.notices.put("1")
            await asyncio.sleep(0.1)
            assert reads == [] and feed.health()["last_seq"] == 1  # nobody to tell: no read of the log
            sub = hub.subscribe(Filter(), STAFF)
            box.add(M.note, id=case_id, note_id=note_id(), text="补充")
            await box.push(db)
            await played.notices.put("2")
            assert await received(sub, 1) == [2] and reads == [1]
            await feed.close()
    finally:
        await db.close()
