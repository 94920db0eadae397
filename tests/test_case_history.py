"""A case's history as ``GET /api/cases/{id}`` gives it to staff screens: display names instead of ids, the order
things happened in with offline work marked, photos labelled 群众上传 / 处置前 / 处置后, and why a case came back."""
from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Any

from sync.actor import RESIDENT, Actor
from tests.resident_support import jpeg_with_gps
from tests.staff_support import Pusher, client_for, login, report, running_app, staff_pusher

MINUTE_MS = 60_000


async def _detail(app: Any, case_id: str, username: str = "dispatcher") -> dict[str, Any]:
    async with client_for(app) as client:
        await login(client, username)
        response = await client.get(f"/api/cases/{case_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


async def test_timelines_and_notes_name_people_not_ids(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        case_id = await report(app)
        d = await staff_pusher(app, "dispatcher")
        field1 = await app.state.db.fetchone("SELECT id FROM users WHERE username = 'field1'")
        await d("case.accept", id=case_id)
        await d("case.dispatch", id=case_id, team="TX-WG", assignee=field1["id"])
        f = await staff_pusher(app, "field1")
        await f("case.note", id=case_id, note_id=str(uuid.uuid4()), text="已到现场")
        body = await _detail(app, case_id)
    dispatch = next(e for e in body["timeline"] if e["type"] == "case.dispatch")
    assert dispatch["actor"]["name"] == "街道指挥中心调度员"
    assert dispatch["payload"]["assignee_name"] == "天鑫社区网格员 张敏"
    assert body["notes"][0]["author"]["name"] == "天鑫社区网格员 张敏"
    create = body["timeline"][0]
    assert create["actor"]["kind"] == "resident" and create["actor"]["name"] is None


async def test_the_timeline_is_in_the_order_things_happened_and_marks_offline_work(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        now = int(time.time() * 1000)
        case_id = await report(app, now_ms=now - 30 * MINUTE_MS)
        d = await staff_pusher(app, "dispatcher")
        await d("case.accept", id=case_id, now_ms=now - 29 * MINUTE_MS)
        await d("case.dispatch", id=case_id, team="TX-WG", now_ms=now - 28 * MINUTE_MS)
        # A field phone in a basement: starts at -20 min and notes at -15, offline; the dispatcher extends the
        # deadline at -10, online; the phone's queue reaches the server only now.
        await d("case.extend", id=case_id, until="2099-01-01", reason="等待配件", now_ms=now - 10 * MINUTE_MS)
        f = await staff_pusher(app, "field1")
        offline = _LateArrival(f, now)
        assert (await offline("case.start", at_ms=now - 20 * MINUTE_MS, id=case_id))["status"] == "applied"
        assert (await offline("case.note", at_ms=now - 15 * MINUTE_MS, id=case_id, note_id=str(uuid.uuid4()),
                              text="地下室没有信号"))["status"] == "applied"
        body = await _detail(app, case_id)
    # The note goes where it was written, before the extension recorded earlier; a move is never dated before the
    # case's latest event (the engine's rule), so the start comes after the extension, at its time.
    types = [e["type"] for e in body["timeline"]]
    assert types == ["case.create", "case.accept", "case.dispatch", "case.note", "case.extend", "case.start"]
    late = {e["type"]: e["synced_later"] for e in body["timeline"]}
    assert late == {"case.create": False, "case.accept": False, "case.dispatch": False, "case.start": True,
                    "case.note": True, "case.extend": False}
    start = body["timeline"][5]
    assert start["happened_at"] < start["recorded_at"]


class _LateArrival:
    """A pusher whose mutations were stamped on the device at ``at_ms`` and reach the server at ``now``."""

    def __init__(self, pusher: Pusher, now: int) -> None:
        self.pusher, self.now = pusher, now

    async def __call__(self, name: str, at_ms: int, **args: Any) -> dict[str, Any]:
        from sync.apply import apply_push

        self.pusher.mid += 1
        mutation = {"mid": self.pusher.mid, "name": name, "args": args, "hlc": f"{at_ms:013d}-0000"}
        async with self.pusher.app.state.db.write() as conn:
            outcome = await apply_push(conn, self.pusher.actor, self.pusher.actor.client_id, [mutation], self.now)
        return outcome.results[0]


async def _upload(app: Any, **who: str) -> str:
    async with client_for(app, **who.get("headers", {})) as client:  # type: ignore[arg-type]
        if "username" in who:
            await login(client, who["username"])
        response = await client.post("/api/photos", content=jpeg_with_gps((64, 48)),
                                     headers={"content-type": "image/jpeg"})
        assert response.status_code == 201, response.text
        return str(response.json()["photo_id"])


async def test_photos_are_labelled_by_who_took_them_and_when(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        resident = Pusher(app, Actor(kind=RESIDENT, client_id=secrets.token_hex(16)))
        reported = await _upload(app, headers={"X-Client-Id": resident.actor.client_id})  # type: ignore[arg-type]
        case_id = str(uuid.uuid4())
        assert (await resident("case.create", id=case_id, track_token=secrets.token_hex(16), site="BL-TX-002",
                               category="env", description="垃圾堆积", photos=[reported]))["status"] == "applied"
        d = await staff_pusher(app, "dispatcher")
        await d("case.accept", id=case_id)
        await d("case.dispatch", id=case_id, team="TX-WG")
        f = await staff_pusher(app, "field1")
        before = await _upload(app, username="field1")
        after = await _upload(app, username="field1")
        later = await _upload(app, username="field1")
        await f("case.photo", id=case_id, photo_id=before)
        await f("case.resolve", id=case_id, text="已清运", photos=[after])
        await f("case.photo", id=case_id, photo_id=later)
        body = await _detail(app, case_id)
    stages = {p["id"]: p["stage"] for p in body["photos"]}
    assert stages == {reported: "resident", before: "before", after: "after", later: "after"}


async def test_a_reopened_case_says_why_and_how_often(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        resident = Pusher(app, Actor(kind=RESIDENT, client_id=secrets.token_hex(16)))
        case_id = str(uuid.uuid4())
        await resident("case.create", id=case_id, track_token=secrets.token_hex(16), site="BL-TX-002",
                       category="env", description="垃圾堆积")
        d = await staff_pusher(app, "dispatcher")
        await d("case.accept", id=case_id)
        await d("case.dispatch", id=case_id, team="TX-WG")
        f = await staff_pusher(app, "field1")
        await f("case.resolve", id=case_id, text="已清运")
        assert (await _detail(app, case_id))["case"]["rework"] is None
        await resident("case.rate", id=case_id, rating="unsatisfied", comment="只清了一半，角落还有")
        body = await _detail(app, case_id)
    assert body["case"]["rework_count"] == 1
    rework = body["case"]["rework"]
    assert rework["reason"] == "只清了一半，角落还有" and rework["by"] == "resident" and rework["rating"] == "unsatisfied"


# --- merge suggestions ------------------------------------------------------------------------------------------

async def test_merge_suggestions_put_an_identical_report_first(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        now = int(time.time() * 1000)
        case_id = await report(app, site="BL-TX-002", category="facility", description="3 号楼门口路灯不亮了",
                               now_ms=now)
        same_words = await report(app, site="BL-TX-003", category="env", description="3号楼门口 路灯不亮了！",
                                  now_ms=now - 600 * MINUTE_MS)
        close = await report(app, site="BL-TX-002", category="facility", description="3 号楼路灯坏了，晚上很黑",
                             now_ms=now - 5 * MINUTE_MS)
        far = await report(app, site="BL-TX-004", category="noise", description="夜里施工太吵",
                           now_ms=now - 2 * 24 * 60 * MINUTE_MS)
        elsewhere = await report(app, site="BL-LT-002", category="facility", description="3 号楼门口路灯不亮了")
        d = await staff_pusher(app, "dispatcher")
        merged = await report(app, site="BL-TX-002", category="facility", description="路灯不亮")
        await d("case.merge", id=merged, into=close)
        async with client_for(app) as client:
            await login(client, "dispatcher")
            body = (await client.get(f"/api/cases/{case_id}/similar")).json()
            assert (await client.get("/api/cases/00000000-0000-0000-0000-000000000000/similar")).status_code == 404
        async with client_for(app) as client:
            await login(client, "field1")
            assert (await client.get(f"/api/cases/{case_id}/similar")).status_code == 403
    ranked = [c["id"] for c in body["candidates"]]
    # Another community is not a candidate, nor is a case already merged, nor the case itself.
    assert elsewhere not in ranked and merged not in ranked and case_id not in ranked
    assert ranked == [same_words, close, far]
    first = body["candidates"][0]["likeness"]
    assert first["identical"] and first["text_similarity"] == 1.0 and not first["same_site"]
    second = body["candidates"][1]["likeness"]
    assert second["same_site"] and second["same_category"] and second["minutes_apart"] == 5
    assert 0 < second["text_similarity"] < 1
