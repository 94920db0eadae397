"""The database: a single writer connection behind a lock, a reader connection, and ordered migrations.

SQLite allows one writer at a time; aiosqlite runs each connection on its own thread. Sharing one connection
between concurrent requests fails with "cannot start a transaction within a transaction", so every write goes
through :meth:`Database.write`, which holds a lock and runs ``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer.
Reads use a second connection; WAL lets them run beside the writer and see only committed data.
"""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterable, TypeVar

import aiosqlite

Row = sqlite3.Row
T = TypeVar("T")


def _migrations() -> list[tuple[int, str, str]]:
    """Every ``NNNN_name.sql`` in the migrations folder, in order."""
    found = []
    for entry in resources.files("server.storage").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name[5:-4], entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


class Database:
    """One SQLite file: :meth:`write` for transactions, :meth:`fetchall`/:meth:`fetchone` for reads."""

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        self.path = str(path)
        self.synchronous = synchronous
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> "Database":
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode=WAL")
        await self.migrate()
        self._reader = await self._connect()
        await self._reader.execute("PRAGMA query_only=ON")
        return self

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so Python's sqlite3 never opens a hidden one.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute(f"PRAGMA synchronous={self.synchronous}")
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction on the single writer; commits on success, rolls back on any exception."""
        assert self._writer is not None, "database is not open"
        async with self._lock:
            # IMMEDIATE: take the write lock up front, so "read watermark, apply, advance" is one atomic step.
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                try:
                    await self._writer.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full, I/O error, a deferred constraint) may leave the transaction
                    # open, and then every later BEGIN would fail: end it, so the writer stays usable.
                    if self._writer.in_transaction:
                        await self._writer.execute("ROLLBACK")
                    raise

    async def fetchall(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[Row]:
        assert self._reader is not None, "database is not open"
        return list(await self._reader.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def migrate(self) -> list[int]:
        """Apply every migration not yet recorded in ``schema_migrations``; returns the versions applied."""
        assert self._writer is not None
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        done = {r[0] for r in await self._writer.execute_fetchall("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            async with self.write() as conn:
                for statement in _split_sql(sql):
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (version, name))
            applied.append(version)
        return applied


async def on_thread(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``work(sqlite3_connection)`` on ``conn``'s own thread and return what it returns (or raise what it
    raises).

    Each ``await conn.execute(...)`` is a round trip to that thread and back, tens of microseconds; work that runs
    many statements (a sync push) does them all in one trip instead. aiosqlite has no public call for this, so
    this is the one place that uses its private ``_execute`` and ``_conn``; ``tests/test_db.py`` guards them.
    """
    return await conn._execute(lambda: work(conn._conn))


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about triggers and strings)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip() and not buf.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:60]}")
    return statements
