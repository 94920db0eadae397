"""``GET /api/track/{token}/events``: a resident follows one case live, with nothing personal in the stream."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import AsyncIterator, Iterator

import httpx
import pytest

from server import settings
from sync.names import M
from tests.support.clients import SyncClient
from tests.support.databases import new_database
from tests.support.live import LiveApp, signed_in, start_demo
from tests.support.sse import open_stream

CONTACT = {"name": "王芳", "phone": "13800000000"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    running = start_demo(settings.load({}, database_url=new_database(tmp_path, "track")))
    yield running
    running.stop()


@pytest.fixture
async def anonymous(live: LiveApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        yield http


async def test_the_stream_shows_only_its_own_case_and_no_personal_data(live: LiveApp,
                                                                       anonymous: httpx.AsyncClient) -> None:
    resident = SyncClient(anonymous)
    mine = await resident.report(contact=CONTACT)
    other = await SyncClient(anonymous).report()
    async with signed_in(live, "dispatcher") as http:
        desk = SyncClient(http)
        async with open_stream(anonymous, f"/api/track/{mine.track_token}/events") as stream:
            await desk.push(M.accept, id=other.case_id)
            await desk.push(M.note, id=mine.case_id, note_id=str(uuid.uuid4()), text="内部备注：联系王芳 13800000000")
            accepted = await desk.push(M.accept, id=mine.case_id)
            dispatched = await desk.push(M.dispatch, id=mine.case_id, team="BL-DY")
            first, second = await stream.events(2)
    assert (first.id, first.event) == (accepted, "case.accept")
    assert (second.id, second.event, second.data["status"]) == (dispatched, "case.dispatch", "dispatched")
    assert set(first.data) == {"seq", "type", "status", "time"}
    raw = str([first.data, second.data])
    for secret in ("13800000000", "王芳", "BL-DY", "TX-WG", "BL-TX-001", mine.case_id, "dispatcher"):
        assert secret not in raw, secret


async def test_a_resident_who_reconnects_is_replayed_the_steps_they_missed(live: LiveApp,
                                                                          anonymous: httpx.AsyncClient) -> None:
    case = await SyncClient(anonymous).report()
    async with signed_in(live, "dispatcher") as http:
        desk = SyncClient(http)
        accepted = await desk.push(M.accept, id=case.case_id)
        await desk.push(M.note, id=case.case_id, note_id=str(uuid.uuid4()), text="内部备注")
        dispatched = await desk.push(M.dispatch, id=case.case_id, team="BL-DY")
    path = f"/api/track/{case.track_token}/events"
    async with open_stream(anonymous, path, last_id=case.seq) as stream:
        assert [(e.id, e.data["status"]) for e in await stream.events(2)] == [
            (accepted, "dispatched"), (dispatched, "dispatched")]  # replayed steps show the case as it is now
    async with open_stream(anonymous, f"{path}?last_event_id={accepted}") as stream:
        assert (await stream.next()).id == dispatched


async def test_an_unknown_or_malformed_token_is_a_json_404(anonymous: httpx.AsyncClient) -> None:
    for token in ("e" * 32, "not-a-token", "E" * 32):
        r = await anonymous.get(f"/api/track/{token}/events")
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"
        assert r.json() == {"error": "case_not_found", "message": "找不到该诉求，请核对查询链接"}
