"""The database: work handed to the writer's own thread runs inside the caller's transaction, in one trip."""
import sqlite3
import threading
from pathlib import Path
from typing import AsyncIterator

import pytest

from server.storage import Database
from server.storage.db import on_thread


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "d.db") as database:
        async with database.write() as conn:
            await conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        yield database


async def test_work_runs_on_the_writers_thread_inside_its_transaction(db: Database) -> None:
    def work(conn: sqlite3.Connection) -> tuple[str, bool]:
        conn.execute("INSERT INTO t(k) VALUES ('a')")
        return threading.current_thread().name, conn.in_transaction

    async with db.write() as conn:
        thread, in_transaction = await on_thread(conn, work)
    assert thread != threading.current_thread().name and in_transaction
    assert [tuple(r) for r in await db.fetchall("SELECT k FROM t")] == [("a",)]


async def test_what_the_work_raises_reaches_the_caller_and_rolls_back(db: Database) -> None:
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t(k) VALUES ('b')")
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        async with db.write() as conn:
            await on_thread(conn, work)
    assert await db.fetchall("SELECT k FROM t") == []
