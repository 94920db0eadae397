"""The event log's ``seq`` is the cursor of pulls and streams: a reader that follows it while several writers (each
its own connection, as several workers are) commit at once must never see a later event before an earlier one, or
it would move past the earlier one for good."""
from __future__ import annotations

import asyncio
from pathlib import Path

from server.storage import Database, database
from sync.names import M
from tests.support.databases import new_database
from tests.support.sync import Outbox, note_id, open_db, resident


async def write(db: Database, pushes: int, notes: int) -> None:
    for _ in range(pushes):
        box = Outbox(resident())
        case_id = box.create()
        for _ in range(notes):
            box.add(M.note, id=case_id, note_id=note_id(), text="补充")
        await box.push(db)


async def test_readers_following_the_log_never_skip_an_event_while_writers_commit_at_once(tmp_path: Path) -> None:
    url = new_database(tmp_path, "gap")
    reader = await open_db(url)
    writers = [await database(url).open() for _ in range(4)]
    done = asyncio.Event()

    async def follow_log() -> list[int]:
        cursor, seen = 0, []
        while True:
            finished = done.is_set()
            seqs = [r[0] for r in await reader.fetchall("SELECT seq FROM events WHERE seq > ? ORDER BY seq", (cursor,))]
            assert seqs == list(range(cursor + 1, cursor + 1 + len(seqs))), f"after {cursor} the log showed {seqs[:5]}"
            seen += seqs
            cursor = seqs[-1] if seqs else cursor
            if finished and not seqs:
                return seen
            await asyncio.sleep(0)

    async def follow_pulls() -> list[int]:
        """The pull API's cursor: a dispatcher, who may see everything, pulling page after page."""
        cursor, seen = 0, []
        while True:
            finished = done.is_set()
            events, top = await reader.sync.changes({}, cursor, 7)
            seqs = [e["seq"] for e in events]
            assert seqs == list(range(cursor + 1, cursor + 1 + len(seqs))) and top >= cursor + len(seqs)
            seen += seqs
            cursor = seqs[-1] if seqs else cursor
            if finished and not seqs:
                return seen
            await asyncio.sleep(0)

    try:
        followers = [asyncio.create_task(follow_log()), asyncio.create_task(follow_pulls())]
        await asyncio.gather(*(write(w, pushes=25, notes=i % 3) for i, w in enumerate(writers)))
        done.set()
        log, pulled = await asyncio.gather(*followers)
        total = (await reader.fetchone("SELECT COUNT(*) FROM events"))[0]
        assert total == 25 * sum(1 + i % 3 for i in range(4)) and log == pulled == list(range(1, total + 1))
    finally:
        for db in (reader, *writers):
            await db.close()
