"""A resident's client id is a credential: no staff member ever receives it, on any route, over a real server.

A resident reports a case with a photo and a note, staff work it (a conflict included, which records revisions),
the resident rates it. Then a field worker (by session cookie and by device token) and a dispatcher read every
route of the application, pull, and replay the event stream: the id appears in none of it, the pseudonym does.
"""
from __future__ import annotations

import io
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from PIL import Image

from server import settings
from sync.hlc import Clock
from sync.pseudonyms import PREFIX
from tests.support.databases import new_database
from tests.support.live import PASSWORD, LiveApp, start_demo
from tests.support.sse import open_stream
from tests.test_access import TABLE

STREAMS = {("GET", "/api/events"), ("GET", "/api/track/{track_token}/events")}


class Phone:
    """One client over HTTP: its own client id, mids and clock."""

    def __init__(self, http: httpx.AsyncClient, **headers: str) -> None:
        self.http, self.headers = http, headers
        self.client_id, self.mid, self.clock = uuid.uuid4().hex, 0, Clock()

    async def push(self, name: str, **args: Any) -> dict[str, Any]:
        self.mid += 1
        mutation = {"mid": self.mid, "name": name, "args": args,
                    "hlc": str(self.clock.tick(time.time_ns() // 1_000_000))}
        r = await self.http.post("/api/sync/push", json={"client_id": self.client_id, "mutations": [mutation]},
                                 headers=self.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    running = start_demo(settings.load({}, database_url=new_database(tmp_path, "identity")))
    yield running
    running.stop()


async def _sign_in(live: LiveApp, username: str, device: bool = False) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=live.url, headers={"Origin": live.url}, timeout=10)
    r = await http.post("/api/auth/login", json={"username": username, "password": PASSWORD, "device": device})
    assert r.status_code == 200, r.text
    if device:
        http.cookies.clear()
        http.headers["Authorization"] = f"Bearer {r.json()['device_token']}"
    return http


async def _story(live: LiveApp) -> tuple[Phone, str, str, str]:
    """A resident's case worked to a rating; returns the resident's phone, the case id, its token and photo."""
    http = httpx.AsyncClient(base_url=live.url, timeout=10)
    resident = Phone(http)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    r = await http.post("/api/photos", content=image.getvalue(),
                        headers={"Content-Type": "image/png", "X-Client-Id": resident.client_id})
    photo = r.json()["photo_id"]
    case_id, token = str(uuid.uuid4()), uuid.uuid4().hex
    await resident.push("case.create", id=case_id, track_token=token, site="BL-TX-001", category="env",
                        description="垃圾没人清", photos=[photo])
    await resident.push("case.note", id=case_id, note_id=str(uuid.uuid4()), text="已经三天了")
    dispatcher = await _sign_in(live, "dispatcher")
    desk = Phone(dispatcher)
    await desk.push("case.accept", id=case_id)
    await desk.push("case.dispatch", id=case_id, team="TX-WG")
    field = await _sign_in(live, "field1", device=True)
    phone = Phone(field)
    # Not having seen the priority: a conflict event, which records both revisions.
    assert (await phone.push("case.set", id=case_id, field="priority", value="high", seen=None))["results"][0][
        "status"] == "conflict"
    await phone.push("case.resolve", id=case_id, text="已清理")
    await resident.push("case.rate", id=case_id, rating="unsatisfied", comment="没扫干净")
    for client in (http, dispatcher, field):
        await client.aclose()
    return resident, case_id, token, photo


async def _every_answer(http: httpx.AsyncClient, case_id: str, token: str, photo: str) -> list[tuple[str, str]]:
    """(what, body) for every GET route, a pull from the start and a replay of the staff event stream."""
    answers = []
    for (method, _), (path, _, _) in TABLE.items():
        if method not in ("GET", "MOUNT") or path.split("?")[0] in ("/api/events", "/api/track/{token}/events"):
            continue
        path = path.replace("{case}", case_id).replace("{photo}", photo).replace("{token}", token)
        r = await http.get(path)
        answers.append((path, r.content.decode("utf-8", "replace")))
    r = await http.get(f"/api/cases/{case_id}")
    assert r.status_code == 200, r.text
    answers.append(("case", r.text))
    r = await http.get("/api/stats.csv")
    answers.append(("csv", r.content.decode("utf-8-sig", "replace")))
    own = uuid.uuid4().hex
    r = await http.get("/api/sync/pull", params={"cursor": 0}, headers={"X-Client-Id": own})
    assert r.status_code == 200 and r.json()["changes"], r.text
    answers.append(("pull", r.text))
    async with open_stream(http, "/api/events", last_id=0) as stream:
        events = [await stream.next() for _ in range(3)]
        answers.append(("events", repr(events)))
    return answers


@pytest.mark.parametrize("who", [("field1", False), ("field1", True), ("dispatcher", False)],
                         ids=["field-cookie", "field-device", "dispatcher"])
async def test_no_staff_answer_holds_the_residents_client_id(live: LiveApp, who: tuple[str, bool]) -> None:
    resident, case_id, token, photo = await _story(live)
    http = await _sign_in(live, *who)
    try:
        answers = await _every_answer(http, case_id, token, photo)
        detail = (await http.get(f"/api/cases/{case_id}")).json()
    finally:
        await http.aclose()
    assert not [what for what, body in answers if resident.client_id in body]
    reporter = detail["case"]["reporter"]
    assert reporter["pseudonym"].startswith(PREFIX) and reporter["cases"] == 1
    actors = [e["actor"] for e in detail["timeline"] if e["actor"]["kind"] == "resident"]
    assert len(actors) == 3 and {a["pseudonym"] for a in actors} == {reporter["pseudonym"]}
    assert detail["notes"][0]["author"]["pseudonym"] == reporter["pseudonym"]
    conflict = next(e for e in detail["timeline"] if e["conflict"])
    assert conflict["payload"]["kept"]["rev"] and conflict["payload"]["lost"]["rev"]
    # The resident itself still pulls its case with its track token, and sees no one's pseudonym.
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        r = await http.get("/api/sync/pull", params={"cursor": 0}, headers={"X-Client-Id": resident.client_id})
    changes = r.json()["changes"]
    assert {c["case_id"] for c in changes} == {case_id} and changes[-1]["case"]["track_token"] == token
    assert "pseudonym" not in r.text


async def test_the_same_phone_has_one_pseudonym_and_another_phone_another(live: LiveApp) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        one, other = Phone(http), Phone(http)
        cases = []
        for phone in (one, one, other):
            case_id = str(uuid.uuid4())
            await phone.push("case.create", id=case_id, track_token=uuid.uuid4().hex, site="BL-TX-001",
                             category="env", description="路灯不亮")
            cases.append(case_id)
    dispatcher = await _sign_in(live, "dispatcher")
    try:
        reporters = [(await dispatcher.get(f"/api/cases/{c}")).json()["case"]["reporter"] for c in cases]
    finally:
        await dispatcher.aclose()
    assert reporters[0] == reporters[1] and reporters[0]["cases"] == 2
    assert reporters[2]["pseudonym"] != reporters[0]["pseudonym"] and reporters[2]["cases"] == 1
