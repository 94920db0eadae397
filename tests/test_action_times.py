"""Who may change which field when, and the times actions are recorded at: no field edit moves a deadline behind
the dispatcher's back, nothing changes on a closed case, and no device clock backdates a response or a
resolution (so 按期办结率 and the medians cannot be gamed)."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.storage import Database
from server.storage.sqlite import SqliteDatabase
from tests.support.databases import fresh_database, new_database, sqlite_only
from sync.dates import iso
from sync.names import CONFLICT, FIELD, RATING, E, M, R, S
from sync.rights import FIELD_RIGHTS
from tests.support.migrations import database_at
from tests.support.sync import (NOW, Outbox, assert_log_folds_to_tables, case_row, note_id, open_db, resident,
                                staff)

YEAR_2001 = "0978307200000-0000"  # 2001-01-01T00:00:00Z
HLC_ONE = "0000000000001-0000"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(new_database(tmp_path))
    yield database
    await database.close()


def stamped(box: Outbox, hlc: str, name: str, **args: Any) -> None:
    """Queue a mutation carrying ``hlc`` as its clock reading, whatever the outbox's own clock says."""
    box.add(name, **args)["hlc"] = hlc


async def dispatched(db: Database, category: str = "consult") -> str:
    """A resident's report (2 working days to resolve, for ``consult``) accepted and dispatched to team T1."""
    report = Outbox(resident())
    case_id = report.create(category=category)
    await report.push(db, now_ms=NOW)
    desk = Outbox(staff("disp"), now_ms=NOW + 60_000)
    desk.add(M.accept, id=case_id)
    desk.add(M.dispatch, id=case_id, team="T1")
    await desk.push(db, now_ms=NOW + 120_000)
    return case_id


async def test_a_field_worker_may_not_change_the_category_and_so_the_deadline(db: Database) -> None:
    case_id = await dispatched(db)
    before = await case_row(db, case_id)
    phone = Outbox(staff("f1"), now_ms=NOW + 200_000)
    phone.add(M.set, id=case_id, field=FIELD.category, value="noise", seen=before["category_rev"])
    phone.add(M.set, id=case_id, field=FIELD.priority, value="high", seen=before["priority_rev"])
    out = await phone.push(db, now_ms=NOW + 300_000)
    assert [(r["status"], r.get("error")) for r in out.results] == [(R.rejected, E.forbidden), (R.applied, None)]
    assert "类别" in out.results[0]["message"]
    after = await case_row(db, case_id)
    assert (after["category"], after["resolution_due"], after["priority"]) == ("consult", before["resolution_due"],
                                                                               "high")


async def test_a_category_change_moves_deadlines_only_before_acceptance(db: Database) -> None:
    report = Outbox(resident())
    triaged, accepted = report.create(category="consult"), report.create(category="consult")
    await report.push(db, now_ms=NOW)
    desk = Outbox(staff("disp"), now_ms=NOW + 60_000)
    desk.add(M.accept, id=accepted)
    await desk.push(db, now_ms=NOW + 60_000)
    rows = {c: await case_row(db, c) for c in (triaged, accepted)}
    for case_id in (triaged, accepted):
        desk.add(M.set, id=case_id, field=FIELD.category, value="noise", seen=rows[case_id]["category_rev"])
    out = await desk.push(db, now_ms=NOW + 120_000)
    assert [r["status"] for r in out.results] == [R.applied, R.applied]
    t, a = await case_row(db, triaged), await case_row(db, accepted)
    assert t["category"] == a["category"] == "noise"
    assert t["resolution_due"] == "2026-12-09T11:06:40.000Z"  # recomputed: 15 working days from the report
    assert a["resolution_due"] == rows[accepted]["resolution_due"]  # kept: only case.extend moves it now


async def test_the_category_of_a_closed_case_never_changes(db: Database) -> None:
    case_id = await dispatched(db)
    phone = Outbox(staff("f1"), now_ms=NOW + 200_000)
    phone.add(M.resolve, id=case_id, text="已答复")
    await phone.push(db, now_ms=NOW + 200_000)
    desk = Outbox(staff("disp"), now_ms=NOW + 300_000)
    desk.add(M.close, id=case_id)
    await desk.push(db, now_ms=NOW + 300_000)
    closed = await case_row(db, case_id)
    desk.add(M.set, id=case_id, field=FIELD.category, value="noise", seen=closed["category_rev"])
    desk.add(M.set, id=case_id, field=FIELD.priority, value="urgent", seen=closed["priority_rev"])
    out = await desk.push(db, now_ms=NOW + 400_000)
    assert [r["status"] for r in out.results] == [R.conflict, R.conflict]  # kept on the record, not applied
    after = await case_row(db, case_id)
    assert {k: after[k] for k in ("category", "priority", "resolution_due", "category_rev")} == {
        k: closed[k] for k in ("category", "priority", "resolution_due", "category_rev")}
    conflicts = [json.loads(r[0]) for r in await db.fetchall(
        "SELECT payload FROM events WHERE case_id = ? AND type = ?", (case_id, CONFLICT))]
    assert [(c["mutation"], c["status"], c["args"]["field"]) for c in conflicts] == [
        (M.set, S.closed, "category"), (M.set, S.closed, "priority")]


async def test_a_resolve_stamped_2001_is_recorded_no_earlier_than_the_dispatch_yet_honest_clocks_stand(
        db: Database) -> None:
    case_id = await dispatched(db)
    dispatch_at = (await case_row(db, case_id))["last_event_at"]
    phone = Outbox(staff("f1"))
    stamped(phone, YEAR_2001, M.resolve, id=case_id, text="已答复")
    await phone.push(db, now_ms=NOW + 3_600_000)
    row = await case_row(db, case_id)
    assert row["resolved_at"] == dispatch_at == iso(NOW + 60_002)  # the dispatcher's own clock reading
    assert row["resolved_at"] > row["created_at"]

    # An offline phone's honest clock is kept: work done in a basement counts when it was done.
    other = await dispatched(db)
    phone = Outbox(staff("f2"), now_ms=NOW + 3_600_000)  # an hour after the dispatch
    phone.add(M.start, id=other)
    phone.now_ms = NOW + 5_400_000
    phone.add(M.resolve, id=other, text="已修好")
    await phone.push(db, now_ms=NOW + 9_000_000)  # back in signal two and a half hours later
    assert (await case_row(db, other))["resolved_at"] == iso(NOW + 5_400_001)
    starts = [json.loads(r[0])["at"] for r in await db.fetchall(
        "SELECT payload FROM events WHERE case_id = ? AND type = ?", (other, M.start))]
    assert starts == [iso(NOW + 3_600_001)]


async def test_an_accept_stamped_1_is_recorded_no_earlier_than_the_last_event_nor_the_consoles_clock(
        db: Database) -> None:
    report = Outbox(resident())
    first, second = report.create(), report.create()
    await report.push(db, now_ms=NOW)
    report.now_ms = NOW + 300_000
    report.add(M.note, id=first, note_id=note_id(), text="现在更严重了")  # the resident adds to it later
    await report.push(db, now_ms=NOW + 300_000)
    desk = Outbox(staff("disp"))
    stamped(desk, HLC_ONE, M.accept, id=first)
    await desk.push(db, now_ms=NOW + 900_000)
    assert (await case_row(db, first))["accepted_at"] == iso(NOW + 300_001)  # not before the note it saw
    # A console that has already told the server its clock cannot act before that reading.
    desk.now_ms = NOW + 600_000
    desk.add(M.note, id=second, note_id=note_id(), text="已电话联系")
    await desk.push(db, now_ms=NOW + 900_000)
    stamped(desk, HLC_ONE, M.accept, id=second)
    await desk.push(db, now_ms=NOW + 900_000)
    assert (await case_row(db, second))["accepted_at"] == iso(NOW + 600_001)


def test_the_rights_table_names_every_field() -> None:
    assert set(FIELD_RIGHTS) == set(FIELD.__dict__.values())
    assert "field" not in FIELD_RIGHTS[FIELD.category][0]


@sqlite_only  # a SQLite file left by an older version; a PostgreSQL database starts at the newest schema
async def test_an_upgrade_fills_the_last_event_time_from_the_log(tmp_path: Path) -> None:
    path = tmp_path / "upgrade.db"
    database = await open_db(str(path))  # events as today's engine writes them …
    try:
        case_id = await dispatched(database)
        phone = Outbox(staff("f1"), now_ms=NOW + 200_000)
        phone.add(M.note, id=case_id, note_id=note_id(), text="到场")
        phone.add(M.set, id=case_id, field=FIELD.priority, value="high", seen=None)  # a conflict too
        await phone.push(database, now_ms=NOW + 500_000)
        expected = (await case_row(database, case_id))["last_event_at"]
    finally:
        await database.close()
    old = database_at(tmp_path / "old.db", 30)  # … copied into a database from before the column existed
    old.execute("ATTACH ? AS new", (str(path),))
    for table in ("teams", "sites", "categories", "users", "clients", "mutations", "events", "case_notes",
                  "case_photos", "case_counters"):
        old.execute(f"INSERT INTO {table} SELECT * FROM new.{table}")
    columns = [r[1] for r in old.execute("PRAGMA table_info(cases)")]
    old.execute(f"INSERT INTO cases SELECT {', '.join(columns)} FROM new.cases")
    old.execute("DETACH new")
    old.close()
    async with SqliteDatabase(tmp_path / "old.db") as upgraded:
        assert (await case_row(upgraded, case_id))["last_event_at"] == expected == iso(NOW + 200_002)
        await assert_log_folds_to_tables(upgraded)


# --- the property: whatever clocks the devices claim, no recorded time precedes what it acts on --------------

# The way through the lifecycle, with rework; other actions may come between any two steps.
SPINE = [M.accept, M.dispatch, M.start, M.resolve, M.rate, M.resolve, M.close]
ASIDES = [M.note, M.set, M.extend, M.return_, M.reopen, M.dispatch, M.start, M.reject]
clock = st.one_of(st.integers(0, NOW + 50_000_000), st.just(1), st.integers(NOW - 10**9, NOW + 10**7))
later = st.integers(0, 3_600_000)
asides = st.lists(st.tuples(st.sampled_from(ASIDES), clock, later), max_size=2)


def _queue(boxes: dict[str, Outbox], case_id: str, name: str, hlc_ms: int) -> None:
    who = {M.rate: "resident", M.note: "resident", M.start: "phone", M.resolve: "phone",
           M.return_: "phone"}.get(name, "desk")
    args: dict[str, Any] = {"id": case_id}
    if name == M.dispatch:
        args["team"] = "T1"
    elif name == M.resolve:
        args["text"] = "已处理"
    elif name == M.rate:
        args["rating"] = RATING.unsatisfied
    elif name == M.note:
        args.update(note_id=note_id(), text="补充")
    elif name in (M.reopen, M.return_, M.reject):
        args["reason"] = "重新处理"
    elif name == M.extend:
        args.update(until=iso(NOW + 90 * 86_400_000), reason="等待配件")
    elif name == M.set:
        args.update(field=FIELD.category, value="noise", seen=None)
    stamped(boxes[who], f"{hlc_ms:013d}-0000", name, **args)


async def _scenario(path: str, steps: list[tuple[str, int, int]]) -> None:
    db = await open_db(path)
    try:
        boxes = {"resident": Outbox(resident()), "desk": Outbox(staff("disp")), "phone": Outbox(staff("f1"))}
        case_id = boxes["resident"].create()
        await boxes["resident"].push(db, now_ms=NOW)
        server_ms = NOW
        for name, hlc_ms, later in steps:
            _queue(boxes, case_id, name, hlc_ms)
            server_ms += later
            for box in boxes.values():
                await box.push(db, now_ms=server_ms)
        row = await case_row(db, case_id)
        events = [(r[0], json.loads(r[1])) for r in await db.fetchall(
            "SELECT type, payload FROM events WHERE case_id = ? ORDER BY seq", (case_id,))]
        times = [p["at"] for t, p in events if t != CONFLICT and "at" in p]
        assert all(t >= row["created_at"] for t in times)
        assert times == sorted(times)  # each action recorded no earlier than the actions before it
        for column in ("accepted_at", "resolved_at", "closed_at"):
            assert row[column] is None or row[column] >= row["created_at"]
        await assert_log_folds_to_tables(db)
    finally:
        await db.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(asides, clock, later), min_size=len(SPINE), max_size=len(SPINE)))
def test_no_recorded_time_precedes_the_report_or_an_earlier_action(
        path: list[tuple[list[tuple[str, int, int]], int, int]]) -> None:
    steps = [step for (extra, hlc_ms, wait), name in zip(path, SPINE) for step in (*extra, (name, hlc_ms, wait))]
    with tempfile.TemporaryDirectory() as tmp:
        with fresh_database(Path(tmp), "p") as url:
            asyncio.run(_scenario(url, steps))


@sqlite_only
async def test_the_0030_upgrade_keeps_a_lock_in_force(tmp_path: Path) -> None:
    old = database_at(tmp_path / "old.db", 6)
    old.execute("INSERT INTO users(username, display_name, role, password_hash, failed_logins, locked_until)"
                " VALUES ('wang', '王', 'field', 'x', 5, '2999-01-01T00:00:00.000Z')")
    old.execute("INSERT INTO users(username, display_name, role, password_hash) VALUES ('li', '李', 'field', 'x')")
    old.close()
    async with SqliteDatabase(tmp_path / "old.db") as upgraded:
        rows = [tuple(r) for r in await upgraded.fetchall(
            "SELECT username, failures, locked_until FROM login_failures")]
        columns = [r[1] for r in await upgraded.fetchall("PRAGMA table_info(users)")]
    assert rows == [("wang", 5, "2999-01-01T00:00:00.000Z")]
    assert "failed_logins" not in columns and "locked_until" not in columns
    with pytest.raises(sqlite3.IntegrityError):
        sqlite3.connect(tmp_path / "old.db").execute(
            "INSERT INTO login_failures VALUES ('x', -1, '2026-01-01T00:00:00.000Z', NULL)")
