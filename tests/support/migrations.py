"""A SQLite database as an older version of the server left it: the migrations up to a number, and nothing after."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from server.storage.db import migrations
from server.storage.sqlite import _split_sql


def database_at(path: Path, last: int) -> sqlite3.Connection:
    """A SQLite file at ``path`` migrated up to and including migration ``last``; the caller fills and closes it.
    Opening it with :func:`server.storage.database` then applies the rest, as an upgrade does."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))")
    for version, name, sql in migrations("sqlite"):
        if version <= last:
            for statement in _split_sql(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (version, name))
    return conn
