"""Pull: each caller sees only its cases, in seq order, with snapshots fit for it."""
from pathlib import Path
from typing import AsyncIterator

import pytest

from server.storage import Database
from sync.actor import Actor
from sync.names import CONFLICT, M
from sync.pseudonyms import PREFIX, Pseudonyms, public_revision
from sync.pull import pull as pull_as
from tests.support.databases import new_database
from tests.support.sync import NOW, Outbox, note_id, open_db, resident, staff, uploaded

NAMES = Pseudonyms(b"a key for tests")


async def pull(db: Database, actor: Actor, cursor: int, limit: int) -> dict:
    return await pull_as(db.sync, actor, cursor, limit, NAMES)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(new_database(tmp_path, "t"))
    yield database
    await database.close()


async def everything(db: Database, actor: Actor, limit: int = 100) -> list[dict]:
    changes, cursor, more = [], 0, True
    while more:
        page = await pull(db, actor, cursor, limit)
        changes += page["changes"]
        assert page["cursor"] >= cursor
        cursor, more = page["cursor"], page["more"]
    return changes


async def test_a_resident_sees_only_its_own_cases_without_personal_or_staff_data(db: Database) -> None:
    mine, theirs, disp = Outbox(resident()), Outbox(resident()), Outbox(staff("disp"))
    own = mine.create(contact={"name": "王阿姨", "phone": "13800000000"})
    mine.add(M.note, id=own, note_id=note_id(), text="我的补充")
    other = theirs.create()
    await mine.push(db)
    await theirs.push(db)
    disp.add(M.accept, id=own)
    disp.add(M.dispatch, id=own, team="T1", assignee=2)
    disp.add(M.note, id=own, note_id=note_id(), text="内部：联系物业")
    disp.add(M.set, id=own, field="priority", value="high", seen=None)
    disp.add(M.photo, id=own, photo_id="internal")
    await uploaded(db, disp.actor, "internal", "after")
    disp.add(M.resolve, id=own, text="已处理", photos=["after"])
    await disp.push(db)

    changes = await everything(db, mine.actor)
    assert {c["case_id"] for c in changes} == {own}
    assert [c["type"] for c in changes] == [M.create, M.note, M.accept, M.dispatch, M.resolve]
    text = repr(changes)
    for secret in ("13800000000", "王阿姨", "内部", "internal", "assignee", "priority", "revs", CONFLICT):
        assert secret not in text
    snapshot = changes[-1]["case"]
    assert snapshot["status"] == "resolved" and snapshot["resolution"] == "已处理"
    assert snapshot["photos"] == ["after"] and [n["text"] for n in snapshot["notes"]] == ["我的补充"]
    assert snapshot["track_token"] == mine.mutations[0]["args"]["track_token"]
    assert [c["case_id"] for c in await everything(db, theirs.actor)] == [other]


async def test_staff_see_their_scope_with_contact_and_revisions(db: Database) -> None:
    box, disp = Outbox(resident()), Outbox(staff("disp"))
    t1_case, t2_case = box.create(contact={"phone": "13800000000"}), box.create(category="help")
    await box.push(db)
    disp.add(M.accept, id=t1_case)
    disp.add(M.dispatch, id=t1_case, team="T1")
    await disp.push(db)

    field = await everything(db, staff("f1"))
    assert {c["case_id"] for c in field} == {t1_case}
    snapshot = field[-1]["case"]
    assert snapshot["contact"] == {"name": None, "phone": "13800000000"} and "track_token" not in snapshot
    assert set(snapshot["revs"]) == {"assignee", "priority", "category", "location"}
    assert field[-1]["event"]["actor"]["user"] == "disp"
    assert {c["case_id"] for c in await everything(db, staff("f3"))} == {t2_case}
    assert len(await everything(db, staff("disp"))) == 4


async def test_paging_follows_seq_and_ends_at_the_top(db: Database) -> None:
    box, stranger = Outbox(resident()), Outbox(resident())
    for _ in range(5):
        box.create()
    await box.push(db)
    page = await pull(db, box.actor, 0, 2)
    assert [c["seq"] for c in page["changes"]] == [1, 2] and page["more"] and page["cursor"] == 2
    page = await pull(db, box.actor, 4, 2)
    assert [c["seq"] for c in page["changes"]] == [5] and not page["more"] and page["cursor"] == 5
    # Someone who sees none of it is still moved to the top, past what it may not see.
    assert await pull(db, stranger.actor, 0, 2) == {"changes": [], "cursor": 5, "more": False}


async def test_staff_never_see_a_residents_client_id_but_its_pseudonym(db: Database) -> None:
    box, disp, phone = Outbox(resident()), Outbox(staff("disp")), Outbox(staff("f1"))
    case_id = box.create()
    box.add(M.note, id=case_id, note_id=note_id(), text="楼上又在装修")
    second = box.create()
    await box.push(db)
    disp.add(M.accept, id=case_id)
    disp.add(M.dispatch, id=case_id, team="T1")
    await disp.push(db)
    phone.add(M.set, id=case_id, field="priority", value="high", seen=None)  # unseen: a conflict with both revs
    await phone.push(db)

    secret = box.actor.client_id
    for viewer in (staff("disp"), staff("f1")):
        changes = await everything(db, viewer)
        assert changes and secret not in repr(changes)
        assert box.mutations[0]["args"]["track_token"] not in repr(changes)
        create = next(c for c in changes if c["type"] == M.create and c["case_id"] == case_id)
        assert create["event"]["actor"]["pseudonym"] == NAMES.of(secret) and "client_id" not in create["event"]
        snapshot = changes[-1]["case"]
        assert snapshot["reporter"] == NAMES.of(secret) and snapshot["reporter"].startswith(PREFIX)
        assert snapshot["notes"][0]["author"]["pseudonym"] == NAMES.of(secret)
    # The same phone, the same pseudonym, on both of its cases; another phone, another pseudonym.
    everyone = await everything(db, staff("disp"))
    assert {c["case"]["reporter"] for c in everyone if c["case_id"] in (case_id, second)} == {NAMES.of(secret)}
    assert NAMES.of(resident().client_id) != NAMES.of(secret)
    # The resident still sees its own case and its track token.
    assert box.mutations[0]["args"]["track_token"] in repr(await everything(db, box.actor))


async def test_a_revision_shown_to_staff_is_taken_back_as_seen(db: Database) -> None:
    box, disp = Outbox(resident()), Outbox(staff("disp"), now_ms=NOW + 100)
    case_id = box.create()
    await box.push(db)
    shown = (await everything(db, disp.actor))[-1]["case"]["revs"]["priority"]
    assert box.actor.client_id not in shown
    disp.add(M.set, id=case_id, field="priority", value="high", seen=shown)
    assert [r["status"] for r in (await disp.push(db)).results] == ["applied"]
    raw = (await db.fetchone("SELECT priority_rev FROM cases WHERE id = ?", (case_id,)))[0]
    disp.add(M.set, id=case_id, field="priority", value="urgent", seen=raw)  # a client from before still works
    assert [r["status"] for r in (await disp.push(db)).results] == ["applied"]
    assert public_revision(raw) != raw and public_revision(public_revision(raw)) != public_revision(raw)
