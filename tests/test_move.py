"""``mashangban migrate-to-postgres URL``: a subdistrict's SQLite database, copied whole into an empty PostgreSQL
database and checked; a target that holds anything, or a source whose cases are not the fold of their events, is
refused and left as it was."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

from server import demo
from server.storage import database, reference, users
from sync.names import M, RATING
from tests.support.databases import dump, needs_postgres, new_database, query
from tests.support.sync import Outbox, note_id, resident, staff, uploaded

pytestmark = needs_postgres


async def a_subdistrict(path: str) -> None:
    """Demo data and a little of everything: cases through every kind of step, a merge (a case that refers to
    another), a retired site and its successor, notes, photos, sessions."""
    async with database(path) as db:
        await demo.seed(db, "pw-for-tests")
        async with db.write() as tx:
            await reference.retire_site(tx, "BL-TX-002", "BL-TX-003")
            await users.insert_session(tx, "a" * 64, 1, 12)
        box, disp = Outbox(resident()), Outbox(staff("disp"))
        await uploaded(db, box.actor, "p1")
        a = box.create(site="BL-TX-001", category="env", photos=["p1"])
        b = box.create(site="BL-TX-001", category="env")
        box.add(M.note, id=a, note_id=note_id(), text="补充")
        await box.push(db)
        for name, args in [(M.accept, {"id": a}), (M.dispatch, {"id": a, "team": "TX-WG"}),
                           (M.merge, {"id": b, "into": a}), (M.start, {"id": a}), (M.resolve, {"id": a, "text": "好了"})]:
            disp.add(name, **args)
        await disp.push(db)
        box.add(M.rate, id=a, rating=RATING.satisfied)
        await box.push(db)


def migrate(source: str, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", "--db", source, "migrate-to-postgres", target],
                          capture_output=True, text=True, timeout=120)


def test_a_sqlite_database_moves_whole_and_the_copy_is_checked(tmp_path: Path) -> None:
    source, target = str(tmp_path / "subdistrict.db"), new_database(tmp_path, "moved")
    asyncio.run(a_subdistrict(source))
    moved = migrate(source, target)
    assert moved.returncode == 0, moved.stderr
    assert "cases: 2 行" in moved.stderr and "2 件诉求" in moved.stdout and "核对行数一致" in moved.stdout
    assert dump(target) == dump(source)
    # Ids go on after the copied ones, and a server runs on the copy.
    added = subprocess.run([sys.executable, "-m", "server", "--db", target, "user", "add", "newcomer", "--role", "field",
                            "--password-stdin"], input="long-enough-1\n", capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    assert query(target, "SELECT COUNT(*) AS n FROM users")[0]["n"] == len(demo.USERS) + 1


def test_a_target_that_holds_anything_is_refused(tmp_path: Path) -> None:
    source, target = str(tmp_path / "subdistrict.db"), new_database(tmp_path, "taken")
    asyncio.run(a_subdistrict(source))
    assert migrate(source, target).returncode == 0
    before = dump(target)
    again = migrate(source, target)
    assert again.returncode == 1 and "目标数据库不是空的" in again.stderr
    assert dump(target) == before


def test_a_source_whose_cases_are_not_the_fold_of_their_events_is_rolled_back(tmp_path: Path) -> None:
    source, target = str(tmp_path / "subdistrict.db"), new_database(tmp_path, "checked")
    asyncio.run(a_subdistrict(source))
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE cases SET status = 'closed' WHERE status = 'duplicate'")  # no event says so
    refused = migrate(source, target)
    assert refused.returncode == 1 and "1 件诉求由事件重放得到的状态与存储不一致" in refused.stderr
    assert all(rows == [] for rows in dump(target).values())
    not_there = migrate(str(tmp_path / "nothing.db"), target)
    assert not_there.returncode == 1 and "找不到 SQLite 数据库文件" in not_there.stderr
