"""``GET /api/track/{token}``: one case as its reporter may see it, and its photos by token."""
import uuid

from tests.resident_support import api_client, create_mutation, jpeg_with_gps

RESIDENT = "0123456789abcdef0123456789abcdef"
TOKEN = "fedcba9876543210fedcba9876543210"


async def test_tracking_shows_status_and_history_without_personal_data(tmp_path):
    async with api_client(tmp_path) as client:
        photo = (await client.post("/api/photos", content=jpeg_with_gps((200, 100)),
                                   headers={"x-client-id": RESIDENT})).json()["photo_id"]
        case_id = str(uuid.uuid4())
        r = await client.post("/api/sync/push", json={"client_id": RESIDENT, "mutations": [
            create_mutation(1, case_id, TOKEN, photos=[photo], contact={"name": "王阿姨", "phone": "13800138000"})]})
        assert r.json()["results"][0]["status"] == "applied", r.text
        track = await client.get(f"/api/track/{TOKEN}")
        assert track.status_code == 200
        body = track.json()
        assert body["case"]["status"] == "submitted" and body["case"]["number"].startswith("BL")
        assert body["case"]["site"] == "BL-TX-001" and body["case"]["site_name"] == "天鑫社区党群服务中心"
        assert body["case"]["photos"] == [photo]
        assert [e["status"] for e in body["timeline"]] == ["submitted"]
        text = track.text
        for secret in ("13800138000", "王阿姨", RESIDENT, "contact", "assignee", "track_token"):
            assert secret not in text, secret
        # The photo: with the token, yes; a wrong token or none, no.
        assert (await client.get(f"/api/photos/{photo}", params={"token": TOKEN})).status_code == 200
        assert (await client.get(f"/api/photos/{photo}", params={"token": "e" * 32})).status_code == 404
        assert (await client.get(f"/api/photos/{photo}")).status_code == 404


async def test_unknown_or_malformed_token_is_a_chinese_404(tmp_path):
    async with api_client(tmp_path) as client:
        for token in ("e" * 32, "not-a-token", "%2e%2e"):
            r = await client.get(f"/api/track/{token}")
            assert r.status_code == 404 and r.json()["message"] == "找不到该诉求，请核对查询链接"


async def test_new_cases_are_rate_limited_per_client_and_resends_are_free(tmp_path):
    async with api_client(tmp_path, rate_cases_per_client=2) as client:
        batch = [create_mutation(m, str(uuid.uuid4()), f"{m:032x}") for m in (1, 2)]
        assert (await client.post("/api/sync/push", json={"client_id": RESIDENT, "mutations": batch})).status_code == 200
        # The same batch again (its answer lost): already applied, so it costs nothing and is not refused.
        again = await client.post("/api/sync/push", json={"client_id": RESIDENT, "mutations": batch})
        assert again.status_code == 200 and {r["status"] for r in again.json()["results"]} == {"duplicate"}
        third = create_mutation(3, str(uuid.uuid4()), f"{3:032x}")
        r = await client.post("/api/sync/push", json={"client_id": RESIDENT, "mutations": [third]})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert r.json()["error"] == "rate_limited" and r.json()["message"].startswith("提交诉求过于频繁")
        rows = await client.app.state.db.fetchall("SELECT id FROM cases")
        assert len(rows) == 2
