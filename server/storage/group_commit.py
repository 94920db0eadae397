"""Group commit: the write work of concurrent requests shares one transaction, and so one fsync.

A database commits one write transaction at a time (SQLite's writer; on PostgreSQL the writer's lock), and each
commit waits for the disk. When many clients push at once, each waiting for the writer in turn, the disk's flush
rate caps the whole server.
:class:`GroupCommit` queues the work instead; whenever the writer comes free it takes everything waiting, runs
it in one write transaction in arrival order, and answers each caller after that commit, so an
answer still means "on disk".

Each piece of work stays all-or-nothing: the group first runs without savepoints (the common case, nothing
fails); if any piece raises, the transaction is rolled back and the group runs again with a ``SAVEPOINT`` around
each piece, so only the failing ones are undone and they alone see their exception. If the commit itself fails,
nothing was written and every caller in the group sees that error.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Generic, TypeVar

from server.storage.db import Database, Tx

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Tx], Awaitable[Any]]


class _Failed(Exception):
    """A piece of work raised during the optimistic run; the group must run again with savepoints."""


class _Item(Generic[T]):
    def __init__(self, work: Callable[[Tx], Awaitable[T]], future: asyncio.Future[T],
                 on_commit: Callable[[T], None] | None) -> None:
        self.work, self.future, self.on_commit = work, future, on_commit
        self.outcome: tuple[bool, Any] | None = None


class GroupCommit:
    """Run write work from many requests in shared transactions on ``db``'s single writer."""

    def __init__(self, db: Database, max_group: int = 64) -> None:
        self.db = db
        self.max_group = max_group
        self._waiting: list[_Item[Any]] = []
        self._worker: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[Tx], Awaitable[T]],
                  on_commit: Callable[[T], None] | None = None) -> T:
        """Run ``work(conn)`` inside a write transaction; returns its result once that transaction committed,
        or raises what ``work`` (or the commit) raised, with nothing of ``work`` written.

        ``on_commit(result)`` runs right after the commit even if the caller has gone away meanwhile (a client
        that hung up): what must follow every commit, such as telling live streams, belongs there."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Item(work, future, on_commit))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[:self.max_group], self._waiting[self.max_group:]
            try:
                try:
                    await self._commit(group, savepoints=False)
                except _Failed:
                    await self._commit(group, savepoints=True)
            except BaseException as error:  # the commit failed (or we are cancelled): nothing was written
                for item in group:
                    if not item.future.done():
                        item.future.set_exception(error if isinstance(error, Exception) else RuntimeError("stopped"))
                if not isinstance(error, Exception):
                    raise
                continue
            for item in group:
                assert item.outcome is not None
                ok, value = item.outcome
                if ok and item.on_commit is not None:
                    try:
                        item.on_commit(value)
                    except Exception:
                        log.exception("after-commit step failed; the work itself is committed")
                if item.future.done():  # the caller went away; the work is committed regardless
                    continue
                if ok:
                    item.future.set_result(value)
                else:
                    item.future.set_exception(value)

    async def _commit(self, group: list[_Item[Any]], savepoints: bool) -> None:
        async with self.db.write() as conn:
            for item in group:
                if not savepoints:
                    try:
                        item.outcome = (True, await item.work(conn))
                    except Exception as error:
                        if len(group) == 1:
                            item.outcome = (False, error)
                            raise
                        raise _Failed() from error
                    continue
                await conn.execute("SAVEPOINT work")
                try:
                    item.outcome = (True, await item.work(conn))
                except Exception as error:
                    await conn.execute("ROLLBACK TO work")
                    item.outcome = (False, error)
                await conn.execute("RELEASE work")
