"""Properties of the queue under hostile schedules: many clients, pushes duplicated, reordered, truncated, and
acknowledgements lost (the client then re-sends from its own last acknowledged mid, as the browser outbox does).

Whatever the schedule: every mutation takes effect exactly once, ``last_mid`` never skips, a refused push
writes nothing, and the final state equals a simple reference model that applies each client's mutations once,
in order. Clients work on their own cases, so the reference does not depend on how their pushes interleave.
"""
from __future__ import annotations

import asyncio
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.storage import Database
from sync.apply import GapError
from sync.names import M, PRIORITIES, R, S
from tests.support.databases import fresh_database
from tests.support.sync import Outbox, assert_log_folds_to_tables, note_id, open_db, resident, staff

RESIDENT_OPS = ("create", "recreate", "note", "withdraw", "bad", "ghost")
DISPATCHER_OPS = ("create", "recreate", "note", "accept", "priority", "bad", "ghost")


@dataclass
class Model:
    """The reference: one client's cases and the result of each of its mutations, applied once, in order."""

    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: list[str] = field(default_factory=list)
    events: int = 0

    def apply(self, op: str, case_id: str | None, value: Any) -> None:
        case = self.cases.get(case_id) if case_id else None
        result, events = R.applied, 1
        if op == "create":
            self.cases[case_id] = {"status": S.submitted, "priority": "normal", "notes": set()}  # type: ignore[index]
        elif op == "recreate":
            result, events = R.duplicate, 0
        elif op in ("bad", "ghost"):
            result, events = R.rejected, 0
        elif op == "note":
            case["notes"].add(value)  # type: ignore[index]
        elif op in ("withdraw", "accept"):
            sources = (S.submitted, S.accepted) if op == "withdraw" else (S.submitted,)
            if case["status"] in sources:  # type: ignore[index]
                case["status"] = S.withdrawn if op == "withdraw" else S.accepted  # type: ignore[index]
            else:
                result = R.conflict
        elif op == "priority":
            if value != case["priority"]:  # type: ignore[index]
                result, events = R.conflict, 2  # seen=None: an unseen overwrite, recorded, and it still wins
            case["priority"] = value  # type: ignore[index]
        self.results.append(result)
        self.events += events


def build(box: Outbox, ops: list[tuple[str, int, int]]) -> Model:
    """Queue ``ops`` in ``box`` and return what the reference model says they come to."""
    model, creates = Model(), []
    for op, pick, value in ops:
        if op != "create" and op != "bad" and op != "ghost" and not creates:
            op = "create"
        target = creates[pick % len(creates)] if creates else None
        if op == "create":
            case_id = box.create()
            creates.append(box.mutations[-1])
            model.apply(op, case_id, None)
        elif op == "recreate":
            box.add(M.create, **target["args"])  # type: ignore[index]
            model.apply(op, None, None)
        elif op == "note":
            nid = note_id()
            box.add(M.note, id=target["args"]["id"], note_id=nid, text="补充说明")  # type: ignore[index]
            model.apply(op, target["args"]["id"], nid)  # type: ignore[index]
        elif op in ("withdraw", "accept"):
            box.add(M.withdraw if op == "withdraw" else M.accept, id=target["args"]["id"])  # type: ignore[index]
            model.apply(op, target["args"]["id"], None)  # type: ignore[index]
        elif op == "priority":
            priority = PRIORITIES[value % len(PRIORITIES)]
            box.add(M.set, id=target["args"]["id"], field="priority", value=priority, seen=None)  # type: ignore[index]
            model.apply(op, target["args"]["id"], priority)  # type: ignore[index]
        elif op == "bad":
            box.add(M.note, id="not-a-case-id", note_id=note_id(), text="x")
            model.apply(op, None, None)
        else:
            box.add(M.note, id=str(uuid.uuid4()), note_id=note_id(), text="x")
            model.apply(op, None, None)
    return model


def client_ops(kinds: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, int, int]]]:
    return st.lists(st.tuples(st.sampled_from(kinds), st.integers(0, 7), st.integers(0, 3)), min_size=1,
                    max_size=12)


# A push: which client, where its batch starts relative to its acknowledged mid (negative re-sends acknowledged
# mutations, positive skips ahead like a later request overtaking an earlier one), how long it is, and whether
# the acknowledgement is lost on the way back.
steps = st.lists(st.tuples(st.integers(0, 3), st.integers(-3, 2), st.integers(1, 6), st.booleans()), max_size=25)


async def last_mids(db: Database) -> dict[str, int]:
    return {r[0]: r[1] for r in await db.fetchall("SELECT client_id, last_mid FROM clients")}


async def scenario(url: str, residents: list[list[tuple[str, int, int]]],
                   dispatcher: list[tuple[str, int, int]], schedule: list[tuple[int, int, int, bool]]) -> None:
    db = await open_db(url)
    try:
        boxes = [Outbox(resident()) for _ in residents] + [Outbox(staff("disp"))]
        models = [build(box, ops) for box, ops in zip(boxes, [*residents, dispatcher])]
        server_mid = {box.actor.client_id: 0 for box in boxes}

        async def send(box: Outbox, start: int, length: int) -> None:
            batch = box.mutations[start - 1:start - 1 + length]
            before = server_mid[box.actor.client_id]
            try:
                out = await box.push(db, batch=batch)
            except GapError as gap:
                assert start > before + 1 and gap.expected_mid == before + 1
                assert (await last_mids(db)).get(box.actor.client_id, 0) == before  # nothing written
                return
            assert start <= before + 1
            assert out.last_mid == max(before, start - 1 + len(batch))  # advances by exactly the new ones
            assert [r["mid"] for r in out.results] == [m["mid"] for m in batch]
            server_mid[box.actor.client_id] = out.last_mid

        for who, offset, length, lose_ack in schedule:
            box = boxes[who % len(boxes)]
            acked = box.acked
            start = max(1, acked + 1 + offset)
            if start > len(box.mutations):
                continue
            await send(box, start, length)
            if lose_ack:  # the server committed, but the answer never reached the client
                box.acked = acked

        for box in boxes:  # the outbox drains: re-send from the last acknowledged mid until all is acknowledged
            while box.acked < len(box.mutations):
                out = await box.push(db, batch=box.pending()[:5])
                server_mid[box.actor.client_id] = out.last_mid

        assert await last_mids(db) == {box.actor.client_id: len(box.mutations) for box in boxes}
        for box, model in zip(boxes, models):
            ledger = await db.fetchall("SELECT mid, status, seq_from, seq_to FROM mutations WHERE client_id = ?"
                                       " ORDER BY mid", (box.actor.client_id,))
            assert [r[0] for r in ledger] == list(range(1, len(box.mutations) + 1))  # no mid skipped, none twice
            assert [r[1] for r in ledger] == model.results
            assert sum(r[3] - r[2] + 1 for r in ledger if r[2] is not None) == model.events
            for case_id, expected in model.cases.items():
                row = await db.fetchone("SELECT status, priority FROM cases WHERE id = ?", (case_id,))
                notes = {r[0] for r in await db.fetchall("SELECT note_id FROM case_notes WHERE case_id = ?",
                                                         (case_id,))}
                assert (row["status"], row["priority"], notes) == (
                    expected["status"], expected["priority"], expected["notes"])
        total = sum(len(m.cases) for m in models)
        numbers = [r[0] for r in await db.fetchall("SELECT number FROM cases ORDER BY number")]
        assert numbers == [f"BL20261118-{i:04d}" for i in range(1, total + 1)]  # each report numbered once
        events = await db.fetchone("SELECT COUNT(*), MIN(seq), MAX(seq) FROM events")
        assert tuple(events) == ((sum(m.events for m in models),) + ((1, events[0]) if events[0] else (None, None)))
        await assert_log_folds_to_tables(db)
    finally:
        await db.close()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(client_ops(RESIDENT_OPS), min_size=1, max_size=3), client_ops(DISPATCHER_OPS), steps)
def test_every_mutation_takes_effect_exactly_once(residents: list[list[tuple[str, int, int]]],
                                                  dispatcher: list[tuple[str, int, int]],
                                                  schedule: list[tuple[int, int, int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), "p") as url:
        asyncio.run(scenario(url, residents, dispatcher, schedule))
