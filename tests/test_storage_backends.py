"""The two backends stay one interface: whatever storage function one has, the other has too; every migration
exists for both; PostgreSQL reads and writes like SQLite (placeholders, rows, flags)."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from server.storage import database
from server.storage.db import BACKENDS, Database, Dialect, SyncTx, Tx, display_url, migrations
from server.storage.postgres import PgRow, PgSyncTx, PgTx, PostgresDatabase, PostgresDialect, pyformat
from server.storage.sqlite import SqliteDatabase, SqliteDialect, SqliteSyncTx, SqliteTx
from tests.support.databases import new_database

PAIRS = [(Database, SqliteDatabase, PostgresDatabase), (Tx, SqliteTx, PgTx), (SyncTx, SqliteSyncTx, PgSyncTx),
         (Dialect, SqliteDialect, PostgresDialect)]


def public(cls: type) -> dict[str, list[tuple[str, object, object]] | None]:
    """Public names of ``cls`` and, for methods, their parameters (name, kind, default)."""
    found: dict[str, list[tuple[str, object, object]] | None] = {}
    for name, value in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        found[name] = [(p.name, p.kind, p.default) for p in inspect.signature(value).parameters.values()] \
            if inspect.isfunction(value) else None
    return found


@pytest.mark.parametrize(("interface", "sqlite", "postgres"), PAIRS, ids=lambda c: c.__name__)
def test_each_storage_function_exists_for_both_backends_alike(interface: type, sqlite: type, postgres: type) -> None:
    assert not inspect.isabstract(sqlite) and not inspect.isabstract(postgres)  # every abstract method implemented
    mine, theirs = public(sqlite), public(postgres)
    assert sorted(set(mine) ^ set(theirs)) == [], "a storage function exists for one backend only"
    for name, signature in mine.items():
        if signature is not None and hasattr(interface, name):
            assert signature == theirs[name], f"{name} takes other arguments on the two backends"


def test_every_migration_exists_for_both_backends_under_one_name() -> None:
    lists = {backend: [(v, n) for v, n, _ in migrations(backend)] for backend in BACKENDS}
    assert lists["sqlite"] == lists["postgres"]
    assert [v for v, _ in lists["sqlite"]] == sorted({v for v, _ in lists["sqlite"]})


def test_placeholders_become_psycopgs_and_nothing_else_changes() -> None:
    assert pyformat("SELECT a FROM t WHERE b = ? AND c = ?") == "SELECT a FROM t WHERE b = %s AND c = %s"
    assert pyformat("WHERE token = :token AND p = :photo_1") == "WHERE token = %(token)s AND p = %(photo_1)s"
    assert pyformat("SELECT '?', 'it''s :x', \"a?b\" FROM t") == "SELECT '?', 'it''s :x', \"a?b\" FROM t"
    assert pyformat("SELECT CAST(x AS jsonb)::text, x::int") == "SELECT CAST(x AS jsonb)::text, x::int"
    assert pyformat("SELECT to_char(x, '%Y') -- 50% ?\n, ? ") == "SELECT to_char(x, '%%Y') -- 50%% ?\n, %s "
    assert pyformat("SELECT 5 % 2") == "SELECT 5 %% 2"


def test_a_postgres_row_reads_like_sqlites() -> None:
    row = PgRow((1, "a", None), {"id": 0, "name": 1, "gone": 2})
    assert row["name"] == "a" and row[0] == 1 and tuple(row) == (1, "a", None) and len(row) == 3
    assert dict(row) == {"id": 1, "name": "a", "gone": None} and row.keys() == ["id", "name", "gone"]


def test_a_password_never_shows() -> None:
    assert display_url("postgresql://app:s3cret@db.example:5432/msb") == "postgresql://app:***@db.example:5432/msb"
    assert display_url("var/mashangban.db") == "var/mashangban.db"


async def test_flags_times_and_json_read_back_the_same_on_either_backend(tmp_path: Path) -> None:
    async with database(new_database(tmp_path, "same")) as db:
        async with db.write() as tx:
            await tx.execute("INSERT INTO teams(code, name, kind, active) VALUES (?, ?, 'grid', ?)", ("T", "队", False))
            now = await tx.fetchone(f"SELECT {tx.dialect.now()} AS now, {tx.dialect.now_plus()} AS later",
                                    ("+15 minutes",))
        row = await db.fetchone("SELECT code, active FROM teams WHERE code = ?", ("T",))
        assert row["active"] == 0 and type(row["active"]) is int
        assert len(now["now"]) == 24 and now["now"].endswith("Z") and now["later"] > now["now"]
        j = db.dialect
        found = await db.fetchone(
            f"SELECT {j.json_text(':doc', 'a')} AS a, {j.json_int(':doc', 'n')} AS n,"
            f" CASE WHEN {j.json_array_has(':list', ':want')} THEN 1 ELSE 0 END AS has",
            {"doc": '{"a": "甲", "n": 7}', "list": '["x", "y"]', "want": "y"})
        assert (found["a"], found["n"], found["has"]) == ("甲", 7, 1)
