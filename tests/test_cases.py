"""Staff reads of cases: filters, pagination, contact and the timeline (who, when, which device, conflicts)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.staff_support import client_for, login, report, running_app, staff_pusher

CHINA = timezone(timedelta(hours=8))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def test_filters_and_pages(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        a = await report(app, site="BL-TX-002", category="env")
        b = await report(app, site="BL-LT-002", category="noise")
        c = await report(app, site="BL-LT-004", category="hazard",
                         now_ms=_ms(datetime(2026, 3, 2, 10, tzinfo=CHINA)))
        d = await staff_pusher(app, "dispatcher")
        await d("case.accept", id=b)
        await d("case.dispatch", id=b, team="LT-WG")
        async with client_for(app) as client:
            await login(client, "dispatcher")

            async def ids(query: str) -> set[str]:
                response = await client.get("/api/cases" + query)
                assert response.status_code == 200, response.text
                return {x["id"] for x in response.json()["cases"]}

            assert await ids("") == {a, b, c}
            assert await ids("?status=submitted") == {a, c}
            assert await ids("?status=dispatched,accepted") == {b}
            assert await ids("?site=BL-TX-002") == {a}
            assert await ids("?community=龙腾社区") == {b, c}
            assert await ids("?category=hazard") == {c}
            assert await ids("?team=LT-WG") == {b}
            assert await ids("?from=2026-03-02&to=2026-03-02") == {c}
            assert await ids("?to=2026-03-01") == set()
            page1 = (await client.get("/api/cases?per_page=2&page=1")).json()
            page2 = (await client.get("/api/cases?per_page=2&page=2")).json()
            assert page1["total"] == page2["total"] == 3 and len(page1["cases"]) == 2 and len(page2["cases"]) == 1
            assert {x["id"] for x in page1["cases"] + page2["cases"]} == {a, b, c}
            for bad in ("?status=lost", "?from=yesterday", "?per_page=0", "?per_page=999", "?sort=random",
                        "?from=2026-03-02&to=2026-03-01", "?overdue=maybe"):
                response = await client.get("/api/cases" + bad)
                assert response.status_code == 400 and response.json()["message"], bad
            urgent_first = (await client.get("/api/cases?sort=due")).json()["cases"]
            assert urgent_first[0]["id"] == c  # its response deadline passed months ago


async def test_detail_has_contact_photos_and_the_whole_timeline(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        case_id = await report(app, contact={"name": "王阿姨", "phone": "13800000000"})
        first, second = await staff_pusher(app, "dispatcher"), await staff_pusher(app, "admin")
        assert (await first("case.accept", id=case_id))["status"] == "applied"
        # The admin accepts too, not having seen the dispatcher's acceptance: kept as a conflict event.
        assert (await second("case.accept", id=case_id))["status"] == "conflict"
        await first("case.dispatch", id=case_id, team="TX-WG")
        async with client_for(app) as client:
            await login(client, "field1")
            body = (await client.get(f"/api/cases/{case_id}")).json()
        assert body["case"]["contact"] == {"name": "王阿姨", "phone": "13800000000"}
        types = [e["type"] for e in body["timeline"]]
        assert types == ["case.create", "case.accept", "case.conflict", "case.dispatch"]
        conflict = body["timeline"][2]
        assert conflict["conflict"] and conflict["actor"]["user"] == "admin"
        create = body["timeline"][0]
        assert create["actor"]["kind"] == "resident" and create["actor"]["client_kind"] == "resident"
        assert "track_token" not in create["payload"]
        assert all(e["at"] and "client_id" not in e for e in body["timeline"])


async def test_timeline_names_the_device_of_a_field_phone(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        case_id = await report(app)
        d = await staff_pusher(app, "dispatcher")
        await d("case.accept", id=case_id)
        await d("case.dispatch", id=case_id, team="TX-WG")
        async with client_for(app) as phone:
            response = await phone.post("/api/auth/login",
                                        json={"username": "field1", "password": "demo1234", "device": "张敏的手机"})
            token = response.json()["device_token"]
        from sync.actor import STAFF, Actor
        from tests.staff_support import Pusher

        device = await app.state.db.fetchone("SELECT id FROM devices WHERE name = ?", ("张敏的手机",))
        user = await app.state.db.fetchone("SELECT id FROM users WHERE username = 'field1'")
        field = Pusher(app, Actor(kind=STAFF, client_id="cd" * 16, user_id=user["id"], username="field1",
                                  role="field", team="TX-WG", device_id=device["id"]))
        assert (await field("case.start", id=case_id))["status"] == "applied"
        async with client_for(app, Authorization=f"Bearer {token}") as client:
            timeline = (await client.get(f"/api/cases/{case_id}")).json()["timeline"]
        start = timeline[-1]
        assert start["type"] == "case.start" and start["actor"]["device"] == "张敏的手机"
        assert start["actor"]["client_kind"] == "field"


async def test_unknown_case_is_404(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with client_for(app) as client:
            await login(client, "dispatcher")
            response = await client.get("/api/cases/00000000-0000-0000-0000-000000000000")
            assert response.status_code == 404 and response.json()["error"] == "not_found"
