"""The database: work handed to the writer's own thread runs inside the caller's transaction, in one trip, on
either backend; migrations come from one list for both."""
import sqlite3
import threading
from pathlib import Path
from typing import AsyncIterator

import pytest

from server.storage import Database, database
from server.storage.db import SyncTx, migrations
from server.storage.sqlite import SqliteDatabase, on_thread
from tests.support.databases import new_database, sqlite_only


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with database(new_database(tmp_path, "d")) as opened:
        async with opened.write() as tx:
            await tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        yield opened


async def test_work_runs_on_the_writers_thread_inside_its_transaction(db: Database) -> None:
    def work(tx: SyncTx) -> tuple[str, int]:
        tx.execute("INSERT INTO t(k) VALUES ('a')")
        return threading.current_thread().name, len(tx.fetchall("SELECT k FROM t"))

    async with db.write() as tx:
        thread, seen = await tx.run(work)
        assert await db.fetchall("SELECT k FROM t") == []  # not committed yet: readers do not see it
    assert thread != threading.current_thread().name and seen == 1
    assert [tuple(r) for r in await db.fetchall("SELECT k FROM t")] == [("a",)]


async def test_what_the_work_raises_reaches_the_caller_and_rolls_back(db: Database) -> None:
    def work(tx: SyncTx) -> None:
        tx.execute("INSERT INTO t(k) VALUES ('b')")
        raise OSError("disk I/O error")

    with pytest.raises(OSError):
        async with db.write() as tx:
            await tx.run(work)
    assert await db.fetchall("SELECT k FROM t") == []
    async with db.write() as tx:  # and the writer is usable afterwards
        await tx.execute("INSERT INTO t(k) VALUES ('c')")
    assert [r[0] for r in await db.fetchall("SELECT k FROM t")] == ["c"]


async def test_both_backends_record_the_same_migrations(db: Database) -> None:
    rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [(r[0], r[1]) for r in rows] == [(v, n) for v, n, _ in migrations(db.backend)]
    assert [(v, n) for v, n, _ in migrations("sqlite")] == [(v, n) for v, n, _ in migrations("postgres")]


@sqlite_only
async def test_on_thread_runs_on_aiosqlites_own_thread(tmp_path: Path) -> None:
    """``on_thread`` relies on aiosqlite's private ``_execute`` and ``_conn``: this fails first if they change."""
    async with SqliteDatabase(tmp_path / "x.db") as opened:
        async with opened.write() as tx:
            def work(conn: sqlite3.Connection) -> tuple[str, bool]:
                return threading.current_thread().name, conn.in_transaction

            thread, in_transaction = await on_thread(tx.conn, work)  # type: ignore[attr-defined]
    assert thread != threading.current_thread().name and in_transaction
