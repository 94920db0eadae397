"""The storage interface: one :class:`Database` with a SQLite and a PostgreSQL backend, chosen by its URL.

Every query the application runs is in ``server/storage/``, written once in the SQL both engines speak: ``?``
placeholders (or ``:name``), ``ON CONFLICT``, ``RETURNING``, text for times and JSON. What the engines say
differently is a method of :class:`Dialect` (``db.dialect``), implemented by both backends.

A database has one writer: :meth:`Database.write` is one transaction at a time, ``BEGIN IMMEDIATE`` on SQLite
and an advisory lock shared by every process on PostgreSQL, so "read, check, write" inside it is exact across
workers, and the engine's ``seq`` numbers commit in order. Reads (:meth:`Database.fetchall`) run beside it and
see only committed data.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from importlib import resources
from typing import Any, AsyncIterator, Callable, Iterable, Mapping, Sequence, TypeVar

T = TypeVar("T")
Params = Sequence[Any] | Mapping[str, Any]
# A result row: ``row["column"]``, ``row[0]``, ``dict(row)`` and ``tuple(row)`` work on both backends.
Row = Any

BACKENDS = ("sqlite", "postgres")
# Where a commit that added events tells the other processes (PostgreSQL NOTIFY; the payload is the new top seq).
EVENTS_CHANNEL = "mashangban_events"


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern that finds ``text`` anywhere, its own ``%``, ``_`` and ``\\`` taken literally (with
    ``ESCAPE '\\'``, as :meth:`Dialect.contains` writes it)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Dialect(ABC):
    """The pieces of SQL the two engines write differently. Each backend implements every method."""

    name: str

    @abstractmethod
    def now(self) -> str:
        """An expression for the current UTC time as the log writes it (``2026-11-27T01:00:00.000Z``)."""

    @abstractmethod
    def now_plus(self) -> str:
        """:meth:`now` moved by the one ``?`` parameter it takes, an offset such as ``'+15 minutes'``."""

    @abstractmethod
    def json_text(self, expr: str, key: str) -> str:
        """The text value of ``key`` in the JSON object held as text in ``expr``."""

    @abstractmethod
    def json_int(self, expr: str, key: str) -> str:
        """The integer value of ``key`` in the JSON object held as text in ``expr``."""

    @abstractmethod
    def json_array_has(self, array: str, value: str) -> str:
        """A condition: the JSON array of strings held as text in ``array`` contains the string ``value``."""

    @abstractmethod
    def top_seq(self) -> str:
        """A scalar subquery: the highest ``seq`` the event log has given out (0 for none)."""

    @abstractmethod
    def notify_events(self) -> str | None:
        """A statement with one ``?`` (the new top ``seq``) that tells other processes of new events at commit,
        or None where every writer lives in one process."""

    @abstractmethod
    def contains(self, expr: str) -> str:
        """A condition: the text ``expr`` holds the one ``?`` parameter, a ``LIKE`` pattern (``%…%``, escaped
        with ``\\``), letters in any case."""

    @abstractmethod
    def search_index(self, term: str) -> tuple[str, list[Any]] | None:
        """A condition on ``case_search s`` (the console's search index, migration 0060) that its ``body`` holds
        ``term``, letters in any case, with its parameters; None when the index cannot find a term this short."""


class SyncTx(ABC):
    """A write transaction as plain synchronous calls, on the writer's own thread (see :meth:`Tx.run`)."""

    dialect: Dialect

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each parameter set."""

    @abstractmethod
    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query (or of a statement with ``RETURNING``)."""

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def batch(self) -> AbstractContextManager[None]:
        """A block of writes whose results are not needed until it ends: a backend may send them all at once
        (PostgreSQL's pipeline: one round trip, not one per statement). An error surfaces by the end of it."""


class Tx(ABC):
    """An open write transaction (inside :meth:`Database.write`)."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each parameter set."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query (or of a statement with ``RETURNING``), seeing this transaction's writes."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def run(self, work: Callable[[SyncTx], T]) -> T:
        """Run ``work(sync_tx)`` on the writer's own thread inside this transaction, in one trip, and return
        what it returns (or raise what it raises). Work of many statements (a sync push) pays for one trip
        instead of one per statement."""

    async def engine(self, work: Callable[[Any], T]) -> T:
        """``sync.storage.EngineTx``: run ``work`` with the sync engine's store (:mod:`server.storage.engine`)
        on the writer's thread, in one trip."""
        from server.storage.engine import EngineStore

        return await self.run(lambda sync_tx: work(EngineStore(sync_tx)))


class Database(ABC):
    """One database: :meth:`write` for transactions, :meth:`fetchall`/:meth:`fetchone` for reads.

    Use as ``async with database(url) as db``; opening applies every migration not yet applied.
    """

    backend: str
    dialect: Dialect
    url: str

    @abstractmethod
    async def open(self) -> Database:
        """Connect and migrate; returns itself."""

    @abstractmethod
    async def close(self) -> None:
        """Close every connection (a transaction still open is rolled back)."""

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    def write(self) -> AbstractAsyncContextManager[Tx]:
        """One write transaction, alone on the database: commits when the block ends, rolls back on any
        exception (and then re-raises it)."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a read, on a reader: committed data only."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def schema_version(self) -> int | None:
        """The newest migration applied (None before any)."""
        row = await self.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
        return row["v"] if row else None

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply every migration not yet recorded in ``schema_migrations``; returns the versions applied."""

    @abstractmethod
    def listen(self, channel: str) -> AsyncIterator[str | bool]:
        """Notifications on ``channel`` from any process: each payload as it arrives; True each time the
        listening connection is (re)established and False when it is lost (notifications sent in between are
        gone). Ends when the database closes. Only a backend of several processes has it (:attr:`multi_process`)."""

    @property
    @abstractmethod
    def multi_process(self) -> bool:
        """Whether several server processes may share this database."""

    @property
    def sync(self) -> Any:
        """``sync.storage.SyncReads``: the reads of sync pulls (:mod:`server.storage.engine`)."""
        from server.storage.engine import SyncReads

        found = self.__dict__.get("_sync_reads")
        if found is None:
            found = self.__dict__["_sync_reads"] = SyncReads(self)
        return found


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def database(url: str | os.PathLike[str], *, synchronous: str = "FULL", pool_size: int = 10) -> Database:
    """The database at ``url``: a ``postgresql://`` URL, or else the path of a SQLite file (made if missing).

    ``synchronous`` is SQLite's mode for the writer; ``pool_size`` is how many reader connections a process
    keeps open to PostgreSQL."""
    url = os.fspath(url)
    if is_postgres_url(url):
        from server.storage.postgres import PostgresDatabase

        return PostgresDatabase(url, pool_size=pool_size)
    from server.storage.sqlite import SqliteDatabase

    return SqliteDatabase(url, synchronous=synchronous)


def migrations(backend: str) -> list[tuple[int, str, str]]:
    """The numbered migrations for ``backend`` as ``(version, name, sql)``, in order.

    One list for both backends: ``NNNN_name.sql`` is SQL both engines run, and a version whose DDL differs has
    ``NNNN_name.sqlite.sql`` and ``NNNN_name.postgres.sql`` instead. Both backends record ``(version, name)``.
    """
    assert backend in BACKENDS, backend
    found: dict[int, tuple[str, str]] = {}
    for entry in resources.files("server.storage").joinpath("migrations").iterdir():
        name = entry.name
        if not (name.endswith(".sql") and name[:4].isdigit()):
            continue
        stem = name[5:-4]
        variant = stem.rsplit(".", 1)[1] if "." in stem else None
        if variant is not None and variant != backend:
            continue
        version = int(name[:4])
        if version in found:
            raise RuntimeError(f"two migrations share the number {version}: {found[version][0]} and {name}")
        found[version] = (name, entry.read_text(encoding="utf-8"))
    return [(v, found[v][0][5:].split(".", 1)[0], found[v][1]) for v in sorted(found)]


def display_url(url: str) -> str:
    """``url`` fit to print: a PostgreSQL URL without its password."""
    if not is_postgres_url(url):
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
