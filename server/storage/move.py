"""Moving a subdistrict up: copy a stopped SQLite database into an empty PostgreSQL database, and check the copy.

``mashangban migrate-to-postgres URL`` runs it. The target gets the same schema from the same migrations; every
table is copied in one transaction (holding the writer's lock, so no server writes meanwhile), parents before
children, a row's reference to its own table (a retired site's successor, a merged case's target) filled in once
the table is complete. Before committing, it checks that every table holds as many rows as the source, and that
folding each case's events (``sync.fold``) gives the case as stored, with its notes and photos. Anything amiss
rolls the copy back and says what; a target that holds any row is refused before anything is written.
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import psycopg

from server.storage.engine import EVENT_COLUMNS, case_from_row, event_from_row
from server.storage.postgres import WRITER_LOCK, PostgresDatabase
from server.storage.sqlite import SqliteDatabase, shadow_tables
from sync.fold import CASE_FIELDS, attachments, fold


class MoveRefused(ValueError):
    """The copy was not made (or was rolled back); the message says why, in Chinese."""


@dataclass
class MoveReport:
    tables: dict[str, int] = field(default_factory=dict)  # rows copied per table
    cases: int = 0  # cases whose events fold to the stored case

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


async def move_to_postgres(source: str, target: str, progress: Callable[[str], None] = print) -> MoveReport:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database at ``target`` and verify it."""
    if not Path(source).is_file():
        raise MoveRefused(f"找不到 SQLite 数据库文件 {source}")
    # Both at the newest schema: the same migrations, recorded the same way.
    async with SqliteDatabase(source):
        pass
    async with PostgresDatabase(target, pool_size=1):
        pass
    return await asyncio.to_thread(_copy, source, target, progress)


def _copy(source: str, target: str, progress: Callable[[str], None]) -> MoveReport:
    report = MoveReport()
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            psycopg.connect(target, autocommit=False) as dst:
        tables = _tables(src, dst)
        with dst.transaction():
            dst.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            for table in tables:
                found = dst.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
                if found:
                    raise MoveRefused(f"目标数据库不是空的：表 {table} 已有 {found} 行，请换一个新建的空数据库")
            order, self_refs = _order(dst, tables)
            for table in order:
                report.tables[table] = _copy_table(src, dst, table, self_refs.get(table, []))
                progress(f"{table}: {report.tables[table]} 行")
            _reset_identities(dst)
            for table, copied in report.tables.items():
                stored = dst.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
                if stored != copied or copied != src.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]:
                    raise MoveRefused(f"表 {table} 的行数不一致（源 {copied}，目标 {stored}），已撤销复制")
            report.cases = _check_folds(dst)
            progress(f"{report.cases} 件诉求：由事件重放得到的状态与存储一致")
    return report


def _tables(src: sqlite3.Connection, dst: psycopg.Connection[Any]) -> list[str]:
    # The search index is a table on both sides; its storage tables on SQLite are not (shadow_tables).
    mine = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                      " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")}
    mine -= shadow_tables(src)
    theirs = {r[0] for r in dst.execute("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                                        " 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'")}
    if mine != theirs:
        raise MoveRefused(f"两边的表不一致，目标数据库不是空的或版本不同：只在源中 {sorted(mine - theirs)}，"
                          f"只在目标中 {sorted(theirs - mine)}")
    return sorted(mine)


def _order(dst: psycopg.Connection[Any], tables: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Tables with every table they refer to before them; and per table, the columns that refer to itself."""
    parents: dict[str, set[str]] = {t: set() for t in tables}
    self_refs: dict[str, list[str]] = defaultdict(list)
    for child, parent, column in dst.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)"
            " WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"):
        if child == parent:
            self_refs[child].append(column)
        elif child in parents:
            parents[child].add(parent)
    order: list[str] = []
    while parents:
        ready = sorted(t for t, ps in parents.items() if not ps - set(order))
        if not ready:
            raise MoveRefused(f"表之间的引用成环，无法排序：{sorted(parents)}")
        order += ready
        for t in ready:
            del parents[t]
    return order, dict(self_refs)


def _copy_table(src: sqlite3.Connection, dst: psycopg.Connection[Any], table: str, later: list[str]) -> int:
    columns = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in columns)
    held = [columns.index(c) for c in later]  # filled in after the whole table is there
    keys = [r[0] for r in dst.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary", (table,))]
    updates: list[tuple[Any, ...]] = []
    count = 0
    with dst.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in src.execute(f'SELECT {names} FROM "{table}"'):
            count += 1
            if held and any(row[i] is not None for i in held):
                updates.append(tuple(row[i] for i in held) + tuple(row[columns.index(k)] for k in keys))
                row = tuple(None if i in held else v for i, v in enumerate(row))
            copy.write_row(row)
    if updates:
        assignments = ", ".join(f'"{c}" = %s' for c in later)
        where = " AND ".join(f'"{k}" = %s' for k in keys)
        with dst.cursor() as cursor:
            cursor.executemany(f'UPDATE "{table}" SET {assignments} WHERE {where}', updates)
    return count


def _reset_identities(dst: psycopg.Connection[Any]) -> None:
    """Identity columns (users.id, …) carry on after the highest id copied."""
    for table, column in dst.execute("SELECT table_name, column_name FROM information_schema.columns"
                                     " WHERE table_schema = 'public' AND is_identity = 'YES'").fetchall():
        dst.execute(f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX("{column}") FROM "{table}"),'
                    " 0) + 1, false)", (table, column))


def _check_folds(dst: psycopg.Connection[Any]) -> int:
    """Fold every case's events in ``seq`` order and compare with the stored cases, notes and photos."""
    folded: dict[str, dict[str, Any]] = {}
    notes, photos = set(), set()
    with dst.cursor(name="events_in_order") as events:
        events.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY seq")
        for row in events:
            event = event_from_row(row)
            folded[event["case_id"]] = fold(folded.get(event["case_id"]), event)
            added_notes, added_photos = attachments(event)
            notes.update((n["case_id"], n["note_id"]) for n in added_notes)
            photos.update((p["case_id"], p["photo_id"]) for p in added_photos)
    stored = {c["id"]: c for c in map(case_from_row, dst.execute(f"SELECT {', '.join(CASE_FIELDS)} FROM cases"))}
    wrong = sorted(case_id for case_id in folded.keys() | stored.keys() if folded.get(case_id) != stored.get(case_id))
    if wrong:
        raise MoveRefused(f"{len(wrong)} 件诉求由事件重放得到的状态与存储不一致（如 {', '.join(wrong[:3])}），已撤销复制")
    if notes != set(dst.execute("SELECT case_id, note_id FROM case_notes").fetchall()) or \
            photos != set(dst.execute("SELECT case_id, photo_id FROM case_photos").fetchall()):
        raise MoveRefused("备注或照片与事件记录不一致，已撤销复制")
    return len(stored)
