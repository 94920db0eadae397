"""The sync API over HTTP: push and pull as the browser uses them, and every way a push can be refused."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from server import demo, settings
from server.app import create_app
from server.storage.engine import EngineStore
from sync.names import E, M, R
from tests.support.databases import new_database

ORIGIN = "http://testserver"
PASSWORD = "demo-pass-1"


class Feed:
    """Records what the write path tells the live feed after each commit."""

    def __init__(self) -> None:
        self.published: list[list[dict[str, Any]]] = []

    def committed(self, events: list[dict[str, Any]]) -> None:
        self.published.append(events)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Starlette]:
    application = create_app(settings.load({}, database_url=new_database(tmp_path, "api"), base_url=ORIGIN, sync_max_batch=5,
                                           sync_max_body_bytes=20_000, sync_retry_after_s=7))
    async with application.router.lifespan_context(application):
        await demo.seed(application.state.db, PASSWORD)
        application.state.feed = Feed()
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as c:
        yield c


def report(mid: int, case_id: str | None = None, **extra: Any) -> dict[str, Any]:
    args = {"id": case_id or str(uuid.uuid4()), "track_token": uuid.uuid4().hex, "site": "BL-TX-002",
            "category": "noise", "description": "广场舞音响太大", **extra}
    return {"mid": mid, "name": M.create, "args": args, "hlc": f"1795000000{mid:03d}-0000"}


async def push(client: httpx.AsyncClient, client_id: str, mutations: list[dict[str, Any]],
               **headers: str) -> httpx.Response:
    return await client.post("/api/sync/push", json={"client_id": client_id, "mutations": mutations},
                             headers=headers)


async def pull(client: httpx.AsyncClient, client_id: str, cursor: int = 0, **headers: str) -> httpx.Response:
    return await client.get(f"/api/sync/pull?cursor={cursor}", headers={"X-Client-Id": client_id, **headers})


async def count(app: Starlette, table: str) -> int:
    row = await app.state.db.fetchone(f"SELECT COUNT(*) FROM {table}")
    return int(row[0])


async def device_token(client: httpx.AsyncClient, username: str) -> str:
    r = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD, "device": True},
                          headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # a field phone sends its token, not the session cookie
    return str(r.json()["device_token"])


async def test_push_then_pull_own_cases_only(app: Starlette, client: httpx.AsyncClient) -> None:
    me, neighbour = uuid.uuid4().hex, uuid.uuid4().hex
    r = await push(client, me, [report(1, contact={"name": "李大爷", "phone": "13911112222"}), report(2)])
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json() == {"last_mid": 2, "results": [{"mid": 1, "status": R.applied}, {"mid": 2, "status": R.applied}],
                        "cursor": 2}
    assert (await push(client, neighbour, [report(1)])).json()["cursor"] == 3
    mine = await pull(client, me)
    assert mine.status_code == 200
    body = mine.json()
    assert [c["seq"] for c in body["changes"]] == [1, 2] and body["cursor"] == 3 and body["more"] is False
    assert "13911112222" not in mine.text and "李大爷" not in mine.text
    assert [c["seq"] for c in (await pull(client, neighbour)).json()["changes"]] == [3]
    assert [len(p) for p in app.state.feed.published] == [2, 1]
    assert set(app.state.feed.published[0][0]) == {"seq", "type", "case_id", "site", "community", "team", "status"}


async def test_a_gap_answers_409_with_the_expected_mid(app: Starlette, client: httpx.AsyncClient) -> None:
    me = uuid.uuid4().hex
    await push(client, me, [report(1)])
    r = await push(client, me, [report(3)])
    assert r.status_code == 409
    assert r.json() == {"error": E.gap, "message": r.json()["message"], "expected_mid": 2}
    assert await count(app, "cases") == 1


async def test_a_transient_failure_answers_503_and_keeps_nothing(app: Starlette, client: httpx.AsyncClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*args: Any, **kwargs: Any) -> None:
        raise OSError("database is locked")

    me, batch = uuid.uuid4().hex, [report(1), report(2)]
    with monkeypatch.context() as m:
        m.setattr(EngineStore, "save_batch", locked)
        r = await push(client, me, batch)
    assert r.status_code == 503 and r.headers["retry-after"] == "7" and r.json()["error"] == E.unavailable
    assert await count(app, "clients") == 0 and await count(app, "cases") == 0 and await count(app, "events") == 0
    again = await push(client, me, batch)  # the client sends the same batch again
    assert again.status_code == 200 and again.json()["last_mid"] == 2 and await count(app, "cases") == 2


async def test_a_rejected_mutation_still_advances_last_mid(client: httpx.AsyncClient) -> None:
    me = uuid.uuid4().hex
    bad = {"mid": 2, "name": M.create, "args": {"id": "nope"}, "hlc": "1795000000002-0000"}
    r = await push(client, me, [report(1), bad, report(3)])
    assert r.json()["last_mid"] == 3
    assert [x["status"] for x in r.json()["results"]] == [R.applied, R.rejected, R.applied]
    assert r.json()["results"][1]["error"] == E.invalid_args and r.json()["results"][1]["message"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"client_id": "ABC", "mutations": []}',
                                  b'{"client_id": "' + b"a" * 32 + b'", "mutations": {"mid": 1}}',
                                  b'{"client_id": "' + b"a" * 32 + b'", "mutations": [{"mid": 2}, {"mid": 1}]}'])
async def test_a_malformed_body_is_a_json_400_and_changes_nothing(app: Starlette, client: httpx.AsyncClient,
                                                                  body: bytes) -> None:
    r = await client.post("/api/sync/push", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == E.bad_request and r.json()["message"]
    assert await count(app, "clients") == 0 and await count(app, "mutations") == 0


async def test_oversized_pushes_are_413(app: Starlette, client: httpx.AsyncClient) -> None:
    me = uuid.uuid4().hex
    r = await push(client, me, [report(i) for i in range(1, 7)])
    assert r.status_code == 413 and r.json()["error"] == E.too_large
    r = await push(client, me, [report(1, description="很" * 20_000)])
    assert r.status_code == 413 and r.json()["error"] == E.too_large
    assert await count(app, "clients") == 0


async def test_pull_needs_a_client_id_header(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/sync/pull?cursor=0")
    assert r.status_code == 400 and r.json()["error"] == E.bad_request
    r = await pull(client, uuid.uuid4().hex, cursor=-1)  # type: ignore[arg-type]
    assert r.status_code == 400


async def test_a_field_phone_works_its_case_and_its_client_id_is_its_own(client: httpx.AsyncClient) -> None:
    resident, phone = uuid.uuid4().hex, uuid.uuid4().hex
    case = report(1, contact={"phone": "13911112222"})
    await push(client, resident, [case])
    case_id = case["args"]["id"]
    dispatcher = {"Authorization": f"Bearer {await device_token(client, 'dispatcher')}"}
    field = {"Authorization": f"Bearer {await device_token(client, 'field1')}"}
    steps = [{"mid": 1, "name": M.accept, "args": {"id": case_id}, "hlc": "1795000001000-0000"},
             {"mid": 2, "name": M.dispatch, "args": {"id": case_id, "team": "TX-WG"}, "hlc": "1795000001001-0000"}]
    assert (await push(client, uuid.uuid4().hex, steps, **dispatcher)).json()["last_mid"] == 2
    start = {"mid": 1, "name": M.start, "args": {"id": case_id}, "hlc": "1795000002000-0000"}
    r = await push(client, phone, [start], **field)
    assert r.json()["results"] == [{"mid": 1, "status": R.applied}]
    seen = await pull(client, phone, **field)
    assert "13911112222" in seen.text and seen.json()["changes"][-1]["case"]["status"] == "in_progress"
    # Without the device token the same client id is not a resident's.
    for attempt in (await push(client, phone, [start]), await pull(client, phone)):
        assert attempt.status_code == 403 and attempt.json()["error"] == E.client_mismatch


async def test_a_revoked_device_token_is_refused_not_taken_for_a_resident(client: httpx.AsyncClient) -> None:
    phone = uuid.uuid4().hex
    field = {"Authorization": f"Bearer {await device_token(client, 'field1')}"}
    assert (await pull(client, phone, **field)).status_code == 200
    assert (await client.post("/api/auth/logout", headers=field)).status_code == 200
    # Its queued actions must wait for a new sign-in rather than be refused for good as a resident's.
    note = {"mid": 1, "name": M.note, "args": {"id": str(uuid.uuid4()), "note_id": str(uuid.uuid4()), "text": "x"},
            "hlc": "1795000002000-0000"}
    for attempt in (await pull(client, phone, **field), await push(client, phone, [note], **field)):
        assert attempt.status_code == 401 and attempt.json()["error"] == "unauthorized"
