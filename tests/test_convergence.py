"""Two field phones edit one case offline, then push in every possible order: the server ends in one state.

Both phones start the case, add a note, and set the assignee and the priority, each having seen the same
revision. Whatever order their mutations arrive in (and however they are batched), the case ends in progress
with both notes, the assignee of the later write and the priority of the later write, and the log holds exactly
three conflicts: the second ``case.start`` (the case was already in progress), and one per field, naming the
value kept and the value lost.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.storage import Database
from sync.actor import STAFF, Actor
from sync.fold import revision
from sync.names import CONFLICT, M, S
from tests.support.databases import fresh_database, new_database
from tests.support.sync import NOW, Outbox, open_db

CASE = "7d8e4f6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
RESIDENT = Actor("resident", "a" * 32)
DISPATCHER = Actor(STAFF, "d" * 32, user_id=1, username="disp", role="dispatcher")
PHONE_A = Actor(STAFF, "1" * 32, user_id=2, username="f1", role="field", team="T1")
PHONE_B = Actor(STAFF, "2" * 32, user_id=3, username="f2", role="field", team="T1")


def mutation(mid: int, name: str, hlc_ms: int, **args: Any) -> dict[str, Any]:
    return {"mid": mid, "name": name, "args": {"id": CASE, **args}, "hlc": f"{hlc_ms}-0000"}


async def dispatched_case(url: str) -> tuple[Database, dict[str, str]]:
    """A fresh database with one case, dispatched to team T1; returns the fields' revisions the phones pulled."""
    db = await open_db(url)
    report = Outbox(RESIDENT)
    report.mutations.append({"mid": 1, "name": M.create, "hlc": f"{NOW}-0000", "args": {
        "id": CASE, "track_token": "b" * 32, "site": "S1", "category": "noise", "description": "井盖松动"}})
    await report.push(db, now_ms=NOW)
    desk = Outbox(DISPATCHER)
    desk.mutations += [mutation(1, M.accept, NOW + 10), mutation(2, M.dispatch, NOW + 11, team="T1")]
    await desk.push(db, now_ms=NOW + 20)
    row = await db.fetchone("SELECT assignee_rev, priority_rev FROM cases WHERE id = ?", (CASE,))
    return db, {"assignee": row[0], "priority": row[1]}


def offline_work(seen: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What each phone did offline. A wrote the assignee last; B wrote the priority last."""
    a = [mutation(1, M.start, NOW + 100), mutation(2, M.note, NOW + 101, note_id="0" * 8 + "-0000-4000-8000-" + "a" * 12,
                                                  text="到场查看"),
         mutation(3, M.set, NOW + 400, field="assignee", value=2, seen=seen["assignee"]),
         mutation(4, M.set, NOW + 103, field="priority", value="high", seen=seen["priority"])]
    b = [mutation(1, M.start, NOW + 200), mutation(2, M.note, NOW + 201, note_id="0" * 8 + "-0000-4000-8000-" + "b" * 12,
                                                  text="已联系维修"),
         mutation(3, M.set, NOW + 202, field="assignee", value=3, seen=seen["assignee"]),
         mutation(4, M.set, NOW + 500, field="priority", value="urgent", seen=seen["priority"])]
    return a, b


async def final_state(db: Database) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """The case without its log position, its notes, and the payloads of its conflict events."""
    case = dict(await db.fetchone("SELECT * FROM cases WHERE id = ?", (CASE,)))
    del case["updated_seq"]
    notes = [tuple(r) for r in await db.fetchall(
        "SELECT note_id, text, hlc, client_id FROM case_notes WHERE case_id = ? ORDER BY hlc, client_id", (CASE,))]
    conflicts = sorted(r[0] for r in await db.fetchall(
        "SELECT payload FROM events WHERE case_id = ? AND type = ?", (CASE, CONFLICT)))
    return case, notes, conflicts


def arrival_orders() -> list[tuple[str, ...]]:
    """Every interleaving of A's four mutations with B's four (each phone keeps its own order)."""
    return sorted({o for o in itertools.permutations("AAAABBBB")})


async def run(url: str, order: tuple[str, ...], batched: bool) -> tuple[Any, ...]:
    db, seen = await dispatched_case(url)
    try:
        work = dict(zip("AB", offline_work(seen)))
        phones = {"A": Outbox(PHONE_A), "B": Outbox(PHONE_B)}
        for who in "AB":
            phones[who].mutations += work[who]
        # Consecutive mutations of one phone travel in one push when batched, one push each otherwise.
        runs = [(who, len(list(group))) for who, group in itertools.groupby(order)] if batched else [(w, 1) for w in order]
        for who, n in runs:
            phone = phones[who]
            await phone.push(db, now_ms=NOW + 1000, batch=phone.pending()[:n])
        return await final_state(db)
    finally:
        await db.close()


@pytest.mark.parametrize("batched", [False, True])
async def test_two_phones_converge_in_every_order(tmp_path: Path, batched: bool) -> None:
    orders = arrival_orders()
    assert len(orders) == 70
    results = [await run(new_database(tmp_path, f"o{i}"), order, batched) for i, order in enumerate(orders)]
    case, notes, conflicts = results[0]
    assert all(r == results[0] for r in results)
    assert case["status"] == S.in_progress and len(notes) == 2
    assert (case["assignee"], case["priority"]) == (2, "urgent")
    assert case["assignee_rev"] == revision(f"{NOW + 400}-0000", PHONE_A.client_id)
    assert case["priority_rev"] == revision(f"{NOW + 500}-0000", PHONE_B.client_id)
    payloads = sorted((json.loads(c) for c in conflicts), key=lambda p: p.get("field", ""))
    assert payloads == [
        {"kind": "transition", "mutation": M.start, "status": S.in_progress, "args": {}},
        {"kind": "field", "field": "assignee",
         "kept": {"value": 2, "rev": revision(f"{NOW + 400}-0000", PHONE_A.client_id)},
         "lost": {"value": 3, "rev": revision(f"{NOW + 202}-0000", PHONE_B.client_id)}},
        {"kind": "field", "field": "priority",
         "kept": {"value": "urgent", "rev": revision(f"{NOW + 500}-0000", PHONE_B.client_id)},
         "lost": {"value": "high", "rev": revision(f"{NOW + 103}-0000", PHONE_A.client_id)}},
    ]


async def test_different_moves_keep_the_first_to_arrive_and_show_the_other(tmp_path: Path) -> None:
    """Status moves are decided in arrival order (DESIGN: "no longer valid when it arrives"): one phone resolves
    while the other returns the case; the first to arrive wins, the other is kept as a visible conflict."""
    outcomes = {}
    for first in "AB":
        db, _ = await dispatched_case(new_database(tmp_path, first))
        try:
            phones = {"A": Outbox(PHONE_A), "B": Outbox(PHONE_B)}
            phones["A"].mutations.append(mutation(1, M.resolve, NOW + 100, text="已修复"))
            phones["B"].mutations.append(mutation(1, M.return_, NOW + 200, reason="不属于网格站职责"))
            for who in (first, "B" if first == "A" else "A"):
                await phones[who].push(db, now_ms=NOW + 1000)
            case, _, conflicts = await final_state(db)
            outcomes[first] = (case["status"], len(conflicts))
        finally:
            await db.close()
    assert outcomes == {"A": (S.resolved, 1), "B": (S.accepted, 1)}


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(4)), st.lists(st.integers(0, 50), min_size=4, max_size=4))
def test_last_writer_wins_whatever_the_arrival_order(order: list[int], times: list[int]) -> None:
    """Four phones write the priority; the value with the highest (hlc, client_id) survives in any order."""
    async def scenario(url: str) -> None:
        db, seen = await dispatched_case(url)
        try:
            phones = [Actor(STAFF, f"{i + 3:x}" * 32, user_id=2, username="f1", role="field", team="T1")
                      for i in range(4)]
            values = ["low", "normal", "high", "urgent"]
            for i in order:
                box = Outbox(phones[i])
                box.mutations.append(mutation(1, M.set, NOW + 100 + times[i], field="priority", value=values[i],
                                              seen=seen["priority"]))
                await box.push(db, now_ms=NOW + 1000)
            winner = max(range(4), key=lambda i: revision(f"{NOW + 100 + times[i]}-0000", phones[i].client_id))
            case, _, _ = await final_state(db)
            assert case["priority"] == values[winner]
        finally:
            await db.close()

    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), "lww") as url:
        asyncio.run(scenario(url))
