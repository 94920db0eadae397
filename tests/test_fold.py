"""A case is the fold of its events: replaying the log reproduces every cases row, note and photo."""
from pathlib import Path
from sync.names import RATING, M
from tests.support.databases import new_database
from tests.support.sync import (Outbox, assert_log_folds_to_tables, note_id, open_db, resident, staff, stored,
                                uploaded)


async def test_replaying_the_log_reproduces_the_tables(tmp_path: Path) -> None:
    db = await open_db(new_database(tmp_path, "t"))
    try:
        box, disp, f1, f2 = Outbox(resident()), Outbox(staff("disp")), Outbox(staff("f1")), Outbox(staff("f2"))
        await uploaded(db, box.actor, "r1", "r2")
        await uploaded(db, f1.actor, "f1", "f2")
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
