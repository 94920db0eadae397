"""Where a test's data lives, on either backend.

``make test`` runs the suite twice: on SQLite, then inside a throwaway PostgreSQL cluster (``pg_virtualenv``) with
``MASHANGBAN_TEST_POSTGRES`` set to its admin URL. Every test names its database with :func:`new_database`: a
SQLite file in the test's folder on the first pass, a fresh PostgreSQL database of its own on the second, dropped
when the test ends (:func:`drop_databases`, called from ``tests/conftest.py``).
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES = os.environ.get("MASHANGBAN_TEST_POSTGRES") or None
BACKEND = "postgres" if POSTGRES else "sqlite"

needs_postgres = pytest.mark.skipif(POSTGRES is None, reason="several processes share PostgreSQL only: this runs on"
                                                            " the PostgreSQL pass of `make test`")
sqlite_only = pytest.mark.skipif(POSTGRES is not None, reason="about the SQLite file itself")

created: list[str] = []  # names of the PostgreSQL databases made for tests and not yet dropped


def _with_dbname(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def new_database(folder: Path, name: str = "test") -> str:
    """A new, empty database for a test: ``folder/name.db``, or on the PostgreSQL pass a new database's URL."""
    if POSTGRES is None:
        return str(folder / f"{name}.db")
    import psycopg

    dbname = f"t_{name.lower()[:20]}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    created.append(dbname)
    return _with_dbname(POSTGRES, dbname)


def drop_databases(names: Iterable[str]) -> None:
    """Drop these test databases (closing whatever connections a server left open to them)."""
    names = [n for n in names if n in created]
    if POSTGRES is None or not names:
        return
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            created.remove(name)


@contextmanager
def fresh_database(folder: Path, name: str = "test") -> Iterator[str]:
    """:func:`new_database` for one example of a property test, dropped as soon as the block ends."""
    url = new_database(folder, name)
    try:
        yield url
    finally:
        if POSTGRES is not None:
            drop_databases([urlsplit(url).path.lstrip("/")])


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows of one read (``?`` placeholders) straight from the database at ``url``, outside any server: what a test
    looks at while a server runs."""
    if POSTGRES is None or not url.startswith("postgresql://"):
        with closing(sqlite3.connect(f"file:{url}?mode=ro", uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
    import psycopg
    from psycopg.rows import dict_row

    from server.storage.postgres import pyformat

    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        return list(conn.execute(pyformat(sql), params).fetchall())


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but ``schema_migrations``, sorted: to compare a database before and after."""
    if POSTGRES is None or not url.startswith("postgresql://"):
        from server.storage.sqlite import shadow_tables

        with closing(sqlite3.connect(f"file:{url}?mode=ro", uri=True)) as conn:
            shadows = shadow_tables(conn)
        tables = [r["name"] for r in query(url, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                                " AND name NOT LIKE 'sqlite_%'") if r["name"] not in shadows]
    else:
        tables = [r["table_name"] for r in query(url, "SELECT table_name FROM information_schema.tables"
                                                      " WHERE table_schema = 'public'")]
    return {t: sorted((tuple(r.values()) for r in query(url, f"SELECT * FROM {t}")), key=repr)
            for t in sorted(tables) if t != "schema_migrations"}


def integrity_errors() -> tuple[type[Exception], ...]:
    """What a broken constraint raises, on either backend."""
    import psycopg

    return (sqlite3.IntegrityError, psycopg.IntegrityError)
