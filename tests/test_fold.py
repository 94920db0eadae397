"""A case is the fold of its events: replaying the log reproduces every cases row, note and photo."""
from pathlib import Path
from typing import Any

from server.storage import Database
from sync import store
from sync.fold import CASE_FIELDS, attachments, fold
from sync.names import RATING, M
from tests.support.sync import Outbox, note_id, open_db, resident, staff


async def replay(db: Database) -> tuple[dict[str, Any], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Fold the whole log from nothing: the cases, and the note and photo sets."""
    cases: dict[str, Any] = {}
    notes, photos = set(), set()
    rows = await db.fetchall("SELECT seq, case_id, type, actor, payload, hlc, client_id, mid, created_at"
                             " FROM events ORDER BY seq")
    for row in rows:
        event = store.event_from_row(row)
        cases[event["case_id"]] = fold(cases.get(event["case_id"]), event)
        added_notes, added_photos = attachments(event)
        notes.update((n["case_id"], n["note_id"], n["text"], n["public"], n["hlc"]) for n in added_notes)
        photos.update((p["case_id"], p["photo_id"], p["public"], p["hlc"]) for p in added_photos)
    return cases, notes, photos


async def stored(db: Database) -> tuple[dict[str, Any], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    rows = await db.fetchall(f"SELECT {', '.join(CASE_FIELDS)} FROM cases")
    cases = {c["id"]: c for c in map(store.case_from_row, rows)}
    notes = {(r[0], r[1], r[2], bool(r[3]), r[4])
             for r in await db.fetchall("SELECT case_id, note_id, text, public, hlc FROM case_notes")}
    photos = {(r[0], r[1], bool(r[2]), r[3])
              for r in await db.fetchall("SELECT case_id, photo_id, public, hlc FROM case_photos")}
    return cases, notes, photos


async def assert_log_folds_to_tables(db: Database) -> None:
    assert await replay(db) == await stored(db)


async def test_replaying_the_log_reproduces_the_tables(tmp_path: Path) -> None:
    db = await open_db(tmp_path / "t.db")
    try:
        box, disp, f1, f2 = Outbox(resident()), Outbox(staff("disp")), Outbox(staff("f1")), Outbox(staff("f2"))
        a = box.create(location={"lat": 22.6, "lng": 114.0, "text": "3 栋楼下"}, photos=["r1"])
        b, c = box.create(category="help"), box.create()
        box.add(M.note, id=a, note_id=note_id(), text="补充", photos=["r2"])
        await box.push(db)
        for name, args in [
            (M.accept, {"id": a}), (M.dispatch, {"id": a, "team": "T1", "assignee": 2}),
            (M.set, {"id": a, "field": "priority", "value": "high", "seen": None}),
            (M.extend, {"id": a, "until": "2031-01-01", "reason": "等待材料"}),
            (M.reject, {"id": b, "reason": "不属于受理范围"}), (M.merge, {"id": c, "into": a}),
        ]:
            disp.add(name, **args)
        await disp.push(db)
        f1.add(M.start, id=a)
        f1.add(M.photo, id=a, photo_id="f1")
        f1.add(M.set, id=a, field="location", value={"lat": 22.61, "lng": 114.01}, seen=None)
        f2.add(M.note, id=a, note_id=note_id(), text="我也到现场了")
        f2.add(M.set, id=a, field="assignee", value=3, seen=None)
        f1.add(M.resolve, id=a, text="已处理", photos=["f2"])
        await f2.push(db)
        await f1.push(db)
        box.add(M.rate, id=a, rating=RATING.unsatisfied)
        await box.push(db)
        f1.add(M.resolve, id=a, text="再次处理")
        await f1.push(db)
        box.add(M.rate, id=a, rating=RATING.satisfied, comment="谢谢")
        await box.push(db)
        await assert_log_folds_to_tables(db)
        cases, notes, photos = await stored(db)
        assert cases[a]["status"] == "closed" and cases[a]["rework_count"] == 1 and len(notes) == 2
        assert {p[1] for p in photos} == {"r2", "f1", "f2"}
    finally:
        await db.close()
