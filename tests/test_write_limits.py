"""Every public write is throttled: notes, ratings and withdrawals as well as new cases, per client id and per
address; a client id never seen before brings few cases at once; a push too large for a limit is split, not lost."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.resident_support import api_client, create_mutation, hlc


class Resident:
    """One phone: a client id and its mids."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http, self.client_id, self.mid, self.cases = http, uuid.uuid4().hex, 0, []

    def mutation(self, name: str, **args: Any) -> dict[str, Any]:
        self.mid += 1
        if name == "case.create":
            case_id = str(uuid.uuid4())
            self.cases.append(case_id)
            return create_mutation(self.mid, case_id, uuid.uuid4().hex)
        return {"mid": self.mid, "name": name, "args": args, "hlc": hlc(self.mid)}

    def note(self, case_id: str) -> dict[str, Any]:
        return self.mutation("case.note", id=case_id, note_id=str(uuid.uuid4()), text="又坏了")

    async def push(self, *mutations: dict[str, Any]) -> httpx.Response:
        r = await self.http.post("/api/sync/push", json={"client_id": self.client_id, "mutations": list(mutations)})
        if r.status_code != 200:  # nothing of a refused push is applied: the phone sends the same mids again
            self.mid -= len(mutations)
        return r


async def last_mid(http: httpx.AsyncClient, client_id: str) -> int:
    db = http.app.state.db  # type: ignore[attr-defined]
    row = await db.fetchone("SELECT last_mid FROM clients WHERE client_id = ?", (client_id,))
    return int(row[0]) if row else 0


async def test_notes_ratings_and_withdrawals_are_limited_per_client(tmp_path: Path) -> None:
    async with api_client(tmp_path, rate_writes_per_client=4) as http:
        phone = Resident(http)
        assert (await phone.push(phone.mutation("case.create"), phone.mutation("case.create"))).status_code == 200
        first, second = phone.cases
        for _ in range(3):
            assert (await phone.push(phone.note(first))).status_code == 200
        assert (await phone.push(phone.mutation("case.withdraw", id=second))).status_code == 200
        refused = await phone.push(phone.note(first))
        assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
        assert refused.json()["message"].startswith("操作过于频繁") and int(refused.headers["Retry-After"]) > 0
        assert await last_mid(http, phone.client_id) == 6  # the refused note was not applied
        notes = await http.app.state.db.fetchall("SELECT 1 FROM case_notes")  # type: ignore[attr-defined]
        assert len(notes) == 3
        # Another phone has its own allowance.
        other = Resident(http)
        assert (await other.push(other.mutation("case.create"))).status_code == 200
        assert (await other.push(other.note(other.cases[0]))).status_code == 200


async def test_writes_are_limited_per_address_across_client_ids(tmp_path: Path) -> None:
    async with api_client(tmp_path, rate_writes_per_address=3) as http:
        phones = [Resident(http) for _ in range(4)]
        for phone in phones:
            assert (await phone.push(phone.mutation("case.create"))).status_code == 200
        answers = [(await phone.push(phone.note(phone.cases[0]))).status_code for phone in phones]
        assert answers == [200, 200, 200, 429]


async def test_a_push_larger_than_a_limit_is_refused_whole_and_goes_through_in_parts(tmp_path: Path) -> None:
    async with api_client(tmp_path, rate_writes_per_client=10) as http:
        phone = Resident(http)
        await phone.push(phone.mutation("case.create"))
        flood = [phone.note(phone.cases[0]) for _ in range(11)]
        r = await phone.push(*flood)
        assert r.status_code == 413 and r.json()["error"] == "too_large" and "分批" in r.json()["message"]
        assert await last_mid(http, phone.client_id) == 1
        assert (await phone.push(*flood[:10])).status_code == 200  # the first part fits …
        assert (await phone.push(flood[10])).status_code == 429  # … and the rest waits its turn


async def test_a_new_client_id_brings_few_cases_in_one_push(tmp_path: Path) -> None:
    async with api_client(tmp_path, rate_new_client_cases=5) as http:
        fresh = Resident(http)
        r = await fresh.push(*[fresh.mutation("case.create") for _ in range(200)])
        assert r.status_code == 413 and r.json()["error"] == "too_large" and "新设备" in r.json()["message"]
        assert await http.app.state.db.fetchall("SELECT 1 FROM cases") == []  # type: ignore[attr-defined]
        fresh.cases.clear()
        assert (await fresh.push(*[fresh.mutation("case.create") for _ in range(5)])).status_code == 200
        # Once the server knows the phone, its cases are limited by the per-client allowance instead.
        assert (await fresh.push(*[fresh.mutation("case.create") for _ in range(6)])).status_code == 200
        assert await last_mid(http, fresh.client_id) == 11
