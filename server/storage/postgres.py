"""The PostgreSQL backend (psycopg 3): one writer connection per process on a thread of its own, a pool of async
readers, and a LISTEN connection.

- **One writer at a time, across every process.** Each write transaction starts with
  ``pg_advisory_xact_lock``, held until it commits or rolls back. It keeps the rule SQLite's single writer
  gives (``BEGIN IMMEDIATE``): "read the client's watermark, apply, advance it" is exact when two workers get
  pushes of one client at once, and the engine, which numbers events from the log's top inside the transaction,
  commits them in ``seq`` order. A commit is visible before its lock is released, so no reader can see seq 42
  while 41 is still to come: a pull or stream cursor never skips an event. Group commit (one transaction for all
  pushes waiting in a process) keeps the lock's cost to one hand-over per group.
- **The writer's thread.** The sync engine is plain synchronous code; like aiosqlite's thread on SQLite, the
  writer connection is a blocking psycopg connection owned by one thread, and a push runs there in one trip.
- **Rows and parameters** look like SQLite's: ``?``/``:name`` placeholders are rewritten for psycopg, rows
  answer ``row["name"]`` and ``row[0]``, and Python booleans are stored as the 0/1 integers the schema uses.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Sequence, TypeVar

import psycopg
from psycopg.adapt import AdaptersMap, Dumper
from psycopg_pool import AsyncConnectionPool

from server.storage.db import (EVENTS_CHANNEL, Database, Dialect, Params, Row, SyncTx, Tx, like_pattern,
                               migrations)

T = TypeVar("T")
log = logging.getLogger(__name__)

# The advisory lock every write transaction holds: "mshb", one number for the whole database.
WRITER_LOCK = 0x6D736862


class PostgresDialect(Dialect):
    name = "postgres"

    def now(self) -> str:
        return "iso_now()"  # defined by the first migration: clock_timestamp() as the log writes times

    def now_plus(self) -> str:
        return "iso_now(CAST(? AS interval))"

    def json_text(self, expr: str, key: str) -> str:
        return f"(CAST({expr} AS jsonb) ->> '{key}')"

    def json_int(self, expr: str, key: str) -> str:
        return f"CAST(CAST({expr} AS jsonb) ->> '{key}' AS bigint)"

    def json_array_has(self, array: str, value: str) -> str:
        return f"(CAST({array} AS jsonb) @> jsonb_build_array(CAST({value} AS text)))"

    def top_seq(self) -> str:
        # Under the writer's lock no seq is in flight behind the top, so the newest row is the top.
        return "(SELECT COALESCE(MAX(seq), 0) FROM events)"

    def notify_events(self) -> str | None:
        return f"SELECT pg_notify('{EVENTS_CHANNEL}', CAST(? AS text))"

    def contains(self, expr: str) -> str:
        return f"{expr} ILIKE ? ESCAPE '\\'"

    def search_index(self, term: str) -> tuple[str, list[Any]] | None:
        # pg_trgm's GIN index answers ILIKE for patterns with three characters or more between the wildcards.
        if len(term) < 3:
            return None
        return "s.body ILIKE ? ESCAPE '\\'", [like_pattern(term)]


DIALECT = PostgresDialect()


@functools.lru_cache(maxsize=4096)
def pyformat(sql: str) -> str:
    """``sql`` with ``?`` and ``:name`` placeholders as psycopg's ``%s`` and ``%(name)s``, and every other ``%``
    doubled. Quoted strings, quoted names, comments and ``::`` casts are left as they are."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            j = i + 1
            while j < n and not (sql[j] == ch and not sql.startswith(ch * 2, j)):
                j += 2 if sql.startswith(ch * 2, j) else 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_") \
                and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class PgRow:
    """A result row that reads like ``sqlite3.Row``: by column name or by position."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PgRow):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values))!r})"


def _rows(cursor: Any) -> Callable[[Sequence[Any]], PgRow]:
    index: dict[str, int] = {}
    for i, column in enumerate(cursor.description or ()):
        index.setdefault(column.name, i)  # like sqlite3.Row: a repeated name means its first column
    return lambda values: PgRow(values, index)


class _BoolAsInteger(Dumper):
    """The schema keeps flags as 0/1 integers (as SQLite does): a Python bool is sent as one."""

    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


ADAPTERS = AdaptersMap(psycopg.adapters)
ADAPTERS.register_dumper(bool, _BoolAsInteger)
# Statements run often are prepared (psycopg does it after 5 runs), but each run is planned for its own values: a
# generic plan made while a table was small (a new database) would stay in use as the table grows, until the next
# ANALYZE, and a lookup of 20 cases by key went on scanning the whole table (bench/scale.py).
_CONNECT = {"autocommit": True, "row_factory": _rows, "context": ADAPTERS,
            "options": "-c plan_cache_mode=force_custom_plan"}


def _params(params: Params | None) -> Params:
    # Never None: psycopg reads placeholders (and turns %% back into %) only when parameters are given.
    return () if params is None else params


class PgSyncTx(SyncTx):
    """The writer connection, on the writer's thread, inside an open transaction."""

    dialect = DIALECT

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(pyformat(sql), _params(params)).rowcount

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(pyformat(sql), list(rows))

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.conn.execute(pyformat(sql), _params(params)).fetchall()

    @contextmanager
    def batch(self) -> Iterator[None]:
        with self.conn.pipeline():
            yield


class PgTx(Tx):
    dialect = DIALECT

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db

    def _sync(self) -> PgSyncTx:
        assert self._db._writer is not None
        return PgSyncTx(self._db._writer)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._db._on_writer(lambda: self._sync().execute(sql, params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        await self._db._on_writer(lambda: self._sync().executemany(sql, rows))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._db._on_writer(lambda: self._sync().fetchall(sql, params))

    async def run(self, work: Callable[[SyncTx], T]) -> T:
        return await self._db._on_writer(lambda: work(self._sync()))


class PostgresDatabase(Database):
    """A PostgreSQL database that several processes may share."""

    backend = "postgres"
    dialect = DIALECT

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        self.pool_size = pool_size
        self._writer: psycopg.Connection[Any] | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._pool: AsyncConnectionPool | None = None
        self._lock = asyncio.Lock()
        self._closed = False
        self._listeners: set[psycopg.AsyncConnection[Any]] = set()

    @property
    def multi_process(self) -> bool:
        return True

    async def _on_writer(self, call: Callable[[], T]) -> T:
        assert self._thread is not None, "database is not open"
        return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    def _connect_writer(self) -> None:
        if self._writer is not None and not self._writer.closed and not self._writer.broken:
            return
        if self._writer is not None:
            self._writer.close()
        self._writer = psycopg.Connection.connect(self.url, application_name="mashangban writer",
                                                  **_CONNECT)  # type: ignore[arg-type]

    async def open(self) -> PostgresDatabase:
        self._closed = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-writer")
        await self._on_writer(self._connect_writer)
        await self.migrate()
        # application_name: pg_stat_activity tells each process's writer, readers and listener apart.
        self._pool = AsyncConnectionPool(self.url, kwargs={**_CONNECT, "application_name": "mashangban reader"},
                                         min_size=1, max_size=self.pool_size,
                                         open=False, name="mashangban-readers")
        await self._pool.open(wait=True, timeout=30)
        return self

    async def close(self) -> None:
        self._closed = True
        for conn in list(self._listeners):
            await conn.close()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
        if self._thread is not None:
            def close_writer() -> None:
                if self._writer is not None:
                    self._writer.close()
                    self._writer = None

            await self._on_writer(close_writer)
            self._thread.shutdown(wait=True)
            self._thread = None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        assert self._thread is not None, "database is not open"
        async with self._lock:
            def begin() -> None:
                self._connect_writer()  # a connection lost since the last write is made again here
                assert self._writer is not None
                self._writer.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})")

            def rollback() -> None:
                assert self._writer is not None
                if not self._writer.broken:  # a lost connection has rolled back by itself
                    self._writer.execute("ROLLBACK")

            def commit() -> None:
                assert self._writer is not None
                self._writer.execute("COMMIT")

            await self._on_writer(begin)
            try:
                yield PgTx(self)
            except BaseException:
                await self._on_writer(rollback)
                raise
            # A failed COMMIT ends the transaction in PostgreSQL (a broken connection is made again at the next
            # BEGIN): nothing of it was written, and the caller hears why.
            await self._on_writer(commit)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        assert self._pool is not None, "database is not open"
        async with self._pool.connection() as conn:
            cursor = await conn.execute(pyformat(sql), _params(params))
            return await cursor.fetchall() if cursor.description is not None else []

    async def migrate(self) -> list[int]:
        def run() -> list[int]:
            conn = self._writer
            assert conn is not None
            applied: list[int] = []
            with conn.transaction():
                # Two workers starting at once: the second waits here and then finds nothing left to do.
                conn.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TEXT NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))")
                done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
                for version, name, sql in migrations(self.backend):
                    if version in done:
                        continue
                    conn.execute(sql)  # without parameters: the whole file in one round, DDL and all
                    conn.execute("INSERT INTO schema_migrations(version, name) VALUES (%s, %s)", (version, name))
                    applied.append(version)
            return applied

        return await self._on_writer(run)

    async def listen(self, channel: str) -> AsyncIterator[str | bool]:  # type: ignore[override]
        delay = 0.1
        while not self._closed:
            conn: psycopg.AsyncConnection[Any] | None = None
            connected = False
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True,
                                                             application_name="mashangban listener")
                self._listeners.add(conn)
                await conn.execute(f"LISTEN {channel}")
                connected, delay = True, 0.1
                yield True
                async for notice in conn.notifies():
                    yield notice.payload
            except psycopg.Error as error:
                if not self._closed:
                    log.warning("LISTEN %s lost (%s); connecting again in %.1f s", channel, error, delay)
            finally:
                if conn is not None:
                    self._listeners.discard(conn)
                    await conn.close()
            if self._closed:
                return
            if connected:
                yield False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
