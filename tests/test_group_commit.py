"""Group commit: concurrent write work shares transactions, yet each piece stays all or nothing."""
import asyncio
from pathlib import Path
from typing import AsyncIterator

import pytest

from server.storage import Database, Tx, database
from server.storage.group_commit import GroupCommit
from tests.support.databases import integrity_errors, new_database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with database(new_database(tmp_path, "g")) as opened:
        async with opened.write() as tx:
            await tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY,"
                             " parent TEXT REFERENCES t(k) DEFERRABLE INITIALLY IMMEDIATE)")
        yield opened


def insert(key: str, fail: bool = False):  # type: ignore[no-untyped-def]
    async def work(conn: Tx) -> str:
        await conn.execute("INSERT INTO t(k) VALUES (?)", (key,))
        if fail:
            raise RuntimeError(f"{key} failed after writing")
        return key
    return work


async def keys(db: Database) -> set[str]:
    return {r[0] for r in await db.fetchall("SELECT k FROM t")}


async def test_concurrent_work_shares_transactions_and_all_commits(db: Database) -> None:
    begins = 0
    write = db.write

    def counting_write():  # type: ignore[no-untyped-def]
        nonlocal begins
        begins += 1
        return write()

    db.write = counting_write  # type: ignore[method-assign]
    group = GroupCommit(db)
    results = await asyncio.gather(*(group.run(insert(f"k{i}")) for i in range(40)))
    assert results == [f"k{i}" for i in range(40)]
    assert await keys(db) == {f"k{i}" for i in range(40)}
    assert begins < 40  # shared transactions


async def test_a_failing_piece_is_undone_alone(db: Database) -> None:
    group = GroupCommit(db)
    outcomes = await asyncio.gather(group.run(insert("a")), group.run(insert("b", fail=True)), group.run(insert("c")),
                                    return_exceptions=True)
    assert outcomes[0] == "a" and outcomes[2] == "c" and isinstance(outcomes[1], RuntimeError)
    assert await keys(db) == {"a", "c"}
    with pytest.raises(RuntimeError):
        await group.run(insert("d", fail=True))  # alone in its group
    assert await keys(db) == {"a", "c"}


async def test_a_failed_commit_fails_everyone_and_writes_nothing(db: Database) -> None:
    async def breaks_at_commit(tx: Tx) -> None:
        # Checked at COMMIT, not now: the statement passes and the whole transaction fails at the end.
        await tx.execute("PRAGMA defer_foreign_keys = ON" if tx.dialect.name == "sqlite"
                         else "SET CONSTRAINTS ALL DEFERRED")
        await tx.execute("INSERT INTO t(k, parent) VALUES ('orphan', 'nobody')")

    group = GroupCommit(db)
    outcomes = await asyncio.gather(group.run(insert("x")), group.run(breaks_at_commit), group.run(insert("y")),
                                    return_exceptions=True)
    assert all(isinstance(o, integrity_errors()) for o in outcomes)
    assert await keys(db) == set()
    assert await group.run(insert("z")) == "z"  # and the writer works afterwards


async def test_after_commit_step_runs_even_when_the_caller_has_gone(db: Database) -> None:
    group = GroupCommit(db)
    told: list[str] = []
    started = asyncio.Event()

    async def slow(conn: Tx) -> str:
        started.set()
        await asyncio.sleep(0.05)
        return await insert("late")(conn)

    caller = asyncio.create_task(group.run(slow, on_commit=told.append))
    await started.wait()
    caller.cancel()  # the client hangs up while its write is in the transaction
    with pytest.raises(asyncio.CancelledError):
        await caller
    await group.run(insert("next"), on_commit=told.append)
    assert told == ["late", "next"] and await keys(db) == {"late", "next"}
    failed: list[str] = []
    with pytest.raises(RuntimeError):
        await group.run(insert("never", fail=True), on_commit=failed.append)
    assert failed == []  # nothing committed, nothing told
