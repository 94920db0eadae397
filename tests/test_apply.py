"""The engine: the queue's watermark, gaps, rejections, idempotent creation, conflicts and what is written."""
import uuid
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from server.storage import Database
from server.storage.engine import EngineStore
from sync.actor import KIOSK, Actor
from sync.apply import ClientMismatch, GapError, Options, PushError, apply_push
from sync.names import CONFLICT, PRIORITY, RATING, E, M, R, S
from tests.support.databases import integrity_errors, new_database
from tests.support.sync import NOW, Outbox, case_row, note_id, open_db, resident, staff, uploaded


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(new_database(tmp_path, "t"))
    yield database
    await database.close()


async def count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def types(db: Database, case_id: str) -> list[str]:
    return [r[0] for r in await db.fetchall("SELECT type FROM events WHERE case_id = ? ORDER BY seq", (case_id,))]


async def test_a_report_becomes_a_case_with_number_team_and_deadlines(db: Database) -> None:
    box = Outbox(resident())
    first, second = box.create(), box.create(category="help", contact={"name": "王阿姨", "phone": "13800000000"})
    out = await box.push(db, now_ms=NOW)
    assert out.last_mid == 2 and [r["status"] for r in out.results] == [R.applied, R.applied]
    a, b = await case_row(db, first), await case_row(db, second)
    assert (a["number"], b["number"]) == ("BL20261118-0001", "BL20261118-0002")
    assert a["status"] == S.submitted and a["channel"] == "qr" and a["created_by_client"] == box.actor.client_id
    assert a["team"] == "T1" and b["team"] == "T2"  # the site's team, unless the category names one
    assert a["priority"] == PRIORITY.normal and b["priority"] == PRIORITY.urgent
    assert a["created_at"] == "2026-11-18T11:06:40.000Z"
    assert a["response_due"] == "2026-11-18T13:06:40.000Z"  # 120 minutes
    assert a["resolution_due"] == "2026-12-09T11:06:40.000Z"  # 15 working days: three weeks on
    assert (b["contact_name"], b["contact_phone"]) == ("王阿姨", "13800000000")
    assert out.cursor == 2 and [e["seq"] for e in out.events] == [1, 2]
    assert out.notices[0] == {"seq": 1, "type": M.create, "case_id": first, "site": "S1", "community": "天鑫社区",
                              "team": "T1", "status": S.submitted}


async def test_numbers_follow_the_local_day_and_deadlines_skip_weekends(db: Database) -> None:
    box = Outbox(resident())
    early_friday = 1_795_713_600_000  # 2026-11-26T17:20Z: Friday 27 November, 01:20 in Beijing
    case_id = box.create(category="consult")
    await box.push(db, now_ms=early_friday)
    row = await case_row(db, case_id)
    assert row["number"] == "BL20261127-0001"  # the Beijing date, though still the 26th in UTC
    assert row["resolution_due"] == "2026-11-30T17:20:00.000Z"  # 2 working days after Friday: Tuesday 01:20


async def test_sending_again_is_a_duplicate_and_changes_nothing(db: Database) -> None:
    box = Outbox(resident())
    box.create()
    box.create()
    await box.push(db)
    again = await box.push(db, batch=box.mutations)
    assert again.last_mid == 2 and [r["status"] for r in again.results] == [R.duplicate, R.duplicate]
    assert again.events == [] and await count(db, "events") == 2 and await count(db, "mutations") == 2


async def test_a_gap_is_refused_and_nothing_is_written(db: Database) -> None:
    box = Outbox(resident())
    for _ in range(4):
        box.create()
    await box.push(db, batch=box.mutations[:1])
    with pytest.raises(GapError) as gap:
        await box.push(db, batch=box.mutations[2:])
    assert gap.value.expected_mid == 2
    with pytest.raises(GapError):  # a hole inside the batch is a gap too
        await box.push(db, batch=[box.mutations[1], box.mutations[3]])
    assert await count(db, "events") == 1
    client = await db.sync.client(box.actor.client_id)
    assert client is not None and client["last_mid"] == 1


@pytest.mark.parametrize("batch", [None, {"mid": 1}, [{"mid": 0}], [{"mid": "1"}], [{"mid": True}],
                                   [{"mid": 2}, {"mid": 1}], [{"mid": 1}, {"mid": 1}], [7]])
async def test_a_malformed_batch_is_refused_as_a_whole(db: Database, batch: Any) -> None:
    actor = resident()
    with pytest.raises(PushError) as refused:
        async with db.write() as conn:
            await apply_push(conn, actor, actor.client_id, batch, NOW)
    assert refused.value.code == E.bad_request
    assert await count(db, "clients") == 0


async def test_a_bad_mutation_is_rejected_and_the_queue_moves_past_it(db: Database) -> None:
    box = Outbox(resident())
    case_id = box.create()
    box.add("case.fly", id=case_id)
    box.add(M.note, id=case_id, note_id="not-a-uuid", text="x")
    box.add(M.note, id=str(uuid.uuid4()), note_id=note_id(), text="no such case")
    box.add(M.accept, id=case_id)  # a resident may not accept
    box.mutations.append({"mid": 6, "name": M.note, "args": {"id": case_id, "note_id": note_id(), "text": "t"},
                          "hlc": "yesterday"})
    box.add(M.note, id=case_id, note_id=note_id(), text="补充：晚上十点以后")
    out = await box.push(db)
    assert out.last_mid == 7
    assert [(r["status"], r.get("error")) for r in out.results] == [
        (R.applied, None), (R.rejected, E.unknown_mutation), (R.rejected, E.invalid_args),
        (R.rejected, E.not_found), (R.rejected, E.forbidden), (R.rejected, E.invalid_args), (R.applied, None)]
    assert all(r["message"] for r in out.results if r["status"] == R.rejected)
    ledger = await db.fetchall("SELECT mid, status, error, seq_from, seq_to FROM mutations ORDER BY mid")
    assert [tuple(r) for r in ledger] == [
        (1, R.applied, None, 1, 1), (2, R.rejected, E.unknown_mutation, None, None),
        (3, R.rejected, E.invalid_args, None, None), (4, R.rejected, E.not_found, None, None),
        (5, R.rejected, E.forbidden, None, None), (6, R.rejected, E.invalid_args, None, None),
        (7, R.applied, None, 2, 2)]


async def test_creation_is_idempotent_by_case_id(db: Database) -> None:
    box, other = Outbox(resident()), Outbox(resident())
    case_id = box.create()
    box.add(M.create, **box.mutations[0]["args"])  # the same report queued twice
    original = box.mutations[0]["args"]
    other.add(M.create, **{**original, "track_token": uuid.uuid4().hex})  # someone else's report, same id
    other.add(M.create, **{**original, "id": str(uuid.uuid4())})  # same track token, another id
    assert [r["status"] for r in (await box.push(db)).results] == [R.applied, R.duplicate]
    assert [(r["status"], r["error"]) for r in (await other.push(db)).results] == [
        (R.rejected, E.id_taken), (R.rejected, E.id_taken)]
    assert await types(db, case_id) == [M.create] and await count(db, "cases") == 1


async def test_a_stale_transition_becomes_a_conflict_and_the_status_stays(db: Database) -> None:
    box, disp = Outbox(resident()), Outbox(staff("disp"))
    case_id = box.create()
    await box.push(db)
    disp.add(M.accept, id=case_id)
    disp.add(M.accept, id=case_id)
    disp.add(M.start, id=case_id)
    out = await disp.push(db)
    assert [r["status"] for r in out.results] == [R.applied, R.conflict, R.conflict]
    assert (await case_row(db, case_id))["status"] == S.accepted
    conflicts = [e["payload"] for e in out.events if e["type"] == CONFLICT]
    assert conflicts == [{"kind": "transition", "mutation": M.accept, "status": S.accepted, "args": {}},
                         {"kind": "transition", "mutation": M.start, "status": S.accepted, "args": {}}]


async def test_field_staff_work_only_their_teams_cases(db: Database) -> None:
    box, disp, f1, f3 = Outbox(resident()), Outbox(staff("disp")), Outbox(staff("f1")), Outbox(staff("f3"))
    case_id = box.create()
    await box.push(db)
    disp.add(M.accept, id=case_id)
    disp.add(M.dispatch, id=case_id, team="T1")
    await disp.push(db)
    f3.add(M.start, id=case_id)
    f1.add(M.accept, id=case_id)
    f1.add(M.start, id=case_id)
    f1.add(M.resolve, id=case_id, text="已协调施工方停工", photos=["p-1"])
    await uploaded(db, f1.actor, "p-1")
    assert [(r["status"], r.get("error")) for r in (await f3.push(db)).results] == [(R.rejected, E.forbidden)]
    assert [r["status"] for r in (await f1.push(db)).results] == [R.rejected, R.applied, R.applied]
    row = await case_row(db, case_id)
    assert row["status"] == S.resolved and row["resolution"] == "已协调施工方停工"


async def test_resident_acts_only_on_own_cases_and_rework_is_counted(db: Database) -> None:
    owner, stranger, disp = Outbox(resident()), Outbox(resident()), Outbox(staff("disp"))
    case_id = owner.create()
    await owner.push(db)
    for name, args in [(M.accept, {}), (M.dispatch, {"team": "T1", "assignee": 2}), (M.resolve, {"text": "已处理"})]:
        disp.add(name, id=case_id, **args)
    await disp.push(db)
    stranger.add(M.rate, id=case_id, rating=RATING.satisfied)
    owner.add(M.rate, id=case_id, rating=RATING.unsatisfied, comment="还是很吵")
    assert (await stranger.push(db)).results[0]["error"] == E.forbidden
    assert (await owner.push(db)).results[0]["status"] == R.applied
    row = await case_row(db, case_id)
    assert (row["status"], row["rework_count"], row["rating"], row["resolved_at"]) == (
        S.dispatched, 1, RATING.unsatisfied, None)
    assert row["assignee"] == 2


async def test_a_kiosk_reports_only_for_its_own_site(db: Database) -> None:
    kiosk = Outbox(Actor(KIOSK, uuid.uuid4().hex, site="S1"))
    kiosk.create(site="S1")
    kiosk.create(site="S2")
    out = await kiosk.push(db)
    assert [(r["status"], r.get("error")) for r in out.results] == [(R.applied, None), (R.rejected, E.forbidden)]
    assert out.events[0]["payload"]["channel"] == "kiosk"


async def test_a_client_id_belongs_to_one_owner(db: Database) -> None:
    f1 = staff("f1")
    await Outbox(f1).push(db, batch=[])
    for intruder in (Actor("resident", f1.client_id), Actor("staff", f1.client_id, user_id=3, role="field")):
        with pytest.raises(ClientMismatch):
            await Outbox(intruder).push(db, batch=[])


async def test_notes_merge_once_and_photos_too(db: Database) -> None:
    box = Outbox(resident())
    case_id = box.create()
    nid = note_id()
    box.add(M.note, id=case_id, note_id=nid, text="补充照片", photos=["a", "b"])
    box.add(M.note, id=case_id, note_id=nid, text="补充照片", photos=["a", "b"])
    await uploaded(db, box.actor, "a", "b")
    out = await box.push(db)
    assert [r["status"] for r in out.results] == [R.applied, R.applied, R.duplicate]
    assert await count(db, "case_notes") == 1 and await count(db, "case_photos") == 2


async def test_changing_the_category_moves_the_deadlines(db: Database) -> None:
    box, disp = Outbox(resident()), Outbox(staff("disp"), now_ms=NOW + 60_000)  # the dispatcher edits later
    case_id = box.create(category="noise")
    await box.push(db, now_ms=NOW)
    row = await case_row(db, case_id)
    disp.add(M.set, id=case_id, field="category", value="help", seen=row["category_rev"])
    assert (await disp.push(db)).results[0]["status"] == R.applied
    row = await case_row(db, case_id)
    assert row["category"] == "help" and row["response_due"] == "2026-11-18T11:16:40.000Z"


async def test_merge_and_extend(db: Database) -> None:
    box, disp = Outbox(resident()), Outbox(staff("disp"))
    first, second, third = box.create(), box.create(), box.create()
    await box.push(db)
    disp.add(M.merge, id=second, into=first)
    disp.add(M.merge, id=third, into=second)  # second is now a duplicate: merge into the case it joined
    disp.add(M.accept, id=first)
    disp.add(M.extend, id=first, until="2030-01-31", reason="需协调多个部门")
    disp.add(M.extend, id=first, until="2026-11-19", reason="不能提前")
    out = await disp.push(db)
    assert [(r["status"], r.get("error")) for r in out.results] == [
        (R.applied, None), (R.rejected, E.invalid_args), (R.applied, None), (R.applied, None),
        (R.rejected, E.invalid_args)]
    assert (await case_row(db, second))["duplicate_of"] == first
    assert (await case_row(db, first))["extended_until"] == "2030-01-31T15:59:59.999Z"


async def test_an_hlc_far_ahead_is_clamped_to_the_servers_clock(db: Database) -> None:
    box = Outbox(resident())
    case_id = box.create()
    box.add(M.note, id=case_id, note_id=note_id(), text="x")
    box.mutations[1]["hlc"] = "2000000000000-0000"
    out = await box.push(db, now_ms=NOW, options=Options(max_drift_ms=60_000))
    first = box.mutations[0]["hlc"]
    assert out.events[0]["hlc"] == first == f"{NOW + 1}-0000"
    # Not ahead of the server, yet after the client's previous write: its next reading.
    assert out.events[1]["hlc"] == f"{NOW + 1}-0001"


async def test_an_unexpected_failure_rolls_back_everything(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk I/O error")

    box = Outbox(resident())
    box.create()
    monkeypatch.setattr(EngineStore, "existing_attachments", broken)
    with pytest.raises(OSError):
        await box.push(db)
    assert await count(db, "clients") == 0 and await count(db, "cases") == 0 and await count(db, "events") == 0


async def test_the_ledger_and_the_watermark_are_guarded_in_sql(db: Database) -> None:
    box = Outbox(resident())
    box.create()
    await box.push(db)
    with pytest.raises(integrity_errors()):
        async with db.write() as conn:
            await conn.execute("INSERT INTO mutations(client_id, mid, name, status) VALUES (?, 1, 'x', 'applied')",
                               (box.actor.client_id,))
    with pytest.raises(integrity_errors()):
        async with db.write() as conn:
            await conn.execute("UPDATE clients SET last_mid = 0")


class Recording:
    """The engine's transaction, noting every statement it runs."""

    def __init__(self, tx: Any, statements: list[str]) -> None:
        self.tx, self.statements, self.dialect = tx, statements, tx.dialect

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.tx, name)
        if name not in ("execute", "executemany", "fetchall", "fetchone"):
            return call
        return lambda sql, *args: (self.statements.append(sql), call(sql, *args))[1]


async def test_a_mutation_names_only_photos_its_caller_uploaded(db: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    me, other, f1, f1_phone, f2, disp = (Outbox(resident()), Outbox(resident()), Outbox(staff("f1")),
                                         Outbox(staff("f1")), Outbox(staff("f2")), Outbox(staff("disp")))
    await uploaded(db, me.actor, "mine", "mine-too")
    await uploaded(db, other.actor, "theirs")
    await uploaded(db, f1.actor, "by-f1")
    a = me.create(photos=["mine"])
    me.create(photos=["theirs"])
    me.create(photos=["never-uploaded"])
    me.create(photos=["by-f1"])
    me.add(M.note, id=a, note_id=note_id(), text="补充", photos=["mine-too", "theirs"])
    me.add(M.note, id=a, note_id=note_id(), text="再补充", photos=["mine-too"])  # the queue moves on
    statements: list[str] = []
    with monkeypatch.context() as m:
        m.setattr(EngineStore, "__init__", lambda store, tx: setattr(store, "tx", Recording(tx, statements)))
        out = await me.push(db)
    assert [(r["status"], r.get("error")) for r in out.results] == [
        (R.applied, None), *[(R.rejected, E.photo_not_found)] * 4, (R.applied, None)]
    assert out.results[1]["message"] == "照片不存在或不是由您上传的，请重新上传照片后再提交"
    assert sum("FROM photos" in s for s in statements) == 1  # one read for the whole push, not one per mutation
    assert await count(db, "cases") == 1 and await count(db, "case_photos") == 1
    # Staff own their photos as a user, on any of their devices; a colleague may not use them.
    disp.add(M.accept, id=a)
    disp.add(M.dispatch, id=a, team="T1")
    disp.add(M.photo, id=a, photo_id="by-f1")
    assert [r.get("error") for r in (await disp.push(db)).results] == [None, None, E.photo_not_found]
    f1_phone.add(M.photo, id=a, photo_id="by-f1")
    f2.add(M.resolve, id=a, text="已处理", photos=["by-f1"])
    f2.add(M.resolve, id=a, text="已处理", photos=["mine"])
    assert [r["status"] for r in (await f1_phone.push(db)).results] == [R.applied]
    assert [r.get("error") for r in (await f2.push(db)).results] == [E.photo_not_found] * 2
    assert (await case_row(db, a))["status"] == S.dispatched
