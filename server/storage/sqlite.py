"""The SQLite backend: one file in WAL mode, a single writer connection behind a lock, a reader connection.

SQLite allows one writer at a time; aiosqlite runs each connection on its own thread. Sharing one connection
between concurrent requests fails with "cannot start a transaction within a transaction", so every write goes
through :meth:`SqliteDatabase.write`, which holds a lock and runs ``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer.
Reads use a second connection; WAL lets them run beside the writer and see only committed data.
"""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterable, TypeVar

import aiosqlite

from server.storage.db import Database, Dialect, Params, Row, SyncTx, Tx, migrations

T = TypeVar("T")

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"


class SqliteDialect(Dialect):
    name = "sqlite"

    def now(self) -> str:
        return _NOW

    def now_plus(self) -> str:
        return "strftime('%Y-%m-%dT%H:%M:%fZ','now', ?)"

    def json_text(self, expr: str, key: str) -> str:
        return f"json_extract({expr}, '$.{key}')"

    def json_int(self, expr: str, key: str) -> str:
        return f"json_extract({expr}, '$.{key}')"

    def json_array_has(self, array: str, value: str) -> str:
        return f"EXISTS (SELECT 1 FROM json_each({array}) j WHERE j.value = {value})"

    def top_seq(self) -> str:
        # AUTOINCREMENT's counter: the highest seq ever given out, even if that event were deleted.
        return "(SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0))"

    def notify_events(self) -> str | None:
        return None

    def contains(self, expr: str) -> str:
        return f"{expr} LIKE ? ESCAPE '\\'"  # SQLite's LIKE ignores the case of Latin letters already

    def search_index(self, term: str) -> tuple[str, list[Any]] | None:
        # FTS5's trigram tokenizer: a phrase of three characters or more; it finds nothing shorter, not even by LIKE.
        if len(term) < 3:
            return None
        return "s.case_search MATCH ?", ['"' + term.replace('"', '""') + '"']


DIALECT = SqliteDialect()


class SqliteSyncTx(SyncTx):
    """The writer's ``sqlite3`` connection, on its own thread."""

    dialect = DIALECT

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.conn.executemany(sql, rows)

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.conn.execute(sql, params).fetchall()

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()  # in-process: nothing to save by sending statements together


class SqliteTx(Tx):
    dialect = DIALECT

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self.conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def run(self, work: Callable[[SyncTx], T]) -> T:
        return await on_thread(self.conn, lambda conn: work(SqliteSyncTx(conn)))


class SqliteDatabase(Database):
    """One SQLite file."""

    backend = "sqlite"
    dialect = DIALECT

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        self.url = self.path = str(path)
        self.synchronous = synchronous
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def multi_process(self) -> bool:
        return False

    async def open(self) -> SqliteDatabase:
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

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        assert self._writer is not None, "database is not open"
        writer = self._writer
        async with self._lock:
            # IMMEDIATE: take the write lock up front, so "read watermark, apply, advance" is one atomic step.
            await writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(writer)
            except BaseException:
                await writer.execute("ROLLBACK")
                raise
            else:
                try:
                    await writer.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full, I/O error, a deferred constraint) may leave the transaction
                    # open, and then every later BEGIN would fail: end it, so the writer stays usable.
                    if writer.in_transaction:
                        await writer.execute("ROLLBACK")
                    raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        assert self._reader is not None, "database is not open"
        return list(await self._reader.execute_fetchall(sql, params))

    async def migrate(self) -> list[int]:
        assert self._writer is not None
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            f" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT ({_NOW}))")
        done = {r[0] for r in await self._writer.execute_fetchall("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations(self.backend):
            if version in done:
                continue
            async with self.write() as tx:
                for statement in _split_sql(sql):
                    await tx.execute(statement)
                await tx.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (version, name))
            applied.append(version)
        return applied

    async def listen(self, channel: str) -> AsyncIterator[str | bool]:  # type: ignore[override]
        raise NotImplementedError("SQLite serves one process: its writes are published where they commit")
        yield False  # pragma: no cover  (makes this an async generator)


async def on_thread(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``work(sqlite3_connection)`` on ``conn``'s own thread and return what it returns (or raise what it
    raises).

    Each ``await conn.execute(...)`` is a round trip to that thread and back, tens of microseconds; work that runs
    many statements (a sync push) does them all in one trip instead. aiosqlite has no public call for this, so
    this is the one place that uses its private ``_execute`` and ``_conn``; ``tests/test_db.py`` guards them.
    """
    return await conn._execute(lambda: work(conn._conn))


# The tables FTS5 keeps for each of its virtual tables (migration 0060's search index).
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def shadow_tables(conn: sqlite3.Connection) -> set[str]:
    """The tables in which SQLite stores its full-text tables: the storage of the virtual table, not data of their
    own. A copy or a comparison of the database reads the virtual table instead."""
    virtual = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
    return {f"{name}_{suffix}" for name in virtual for suffix in FTS5_SHADOWS}


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
