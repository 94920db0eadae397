"""Administration API: sites (edit, retire, reissue a code), categories and limits, teams, users."""
from __future__ import annotations

from pathlib import Path

from tests.staff_support import client_for, login, running_app, signed_in


async def test_reissuing_a_code_retires_the_old_one_pointing_at_the_new(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            response = await admin.post("/api/admin/sites/BL-TX-002/reissue", json={})
            assert response.status_code == 201
            new = response.json()["site"]
            assert new["code"] == "BL-TX-006" and new["name"] == "天鑫花园" and new["active"]
            assert new["links"]["poster"] == "/posters/BL-TX-006"
            sites = {s["code"]: s for s in (await admin.get("/api/admin/sites")).json()["sites"]}
            old = sites["BL-TX-002"]
            assert (old["active"], old["replaced_by"], old["links"]) == (False, "BL-TX-006", None)
            # The old code's page tells a resident where to go; the public API no longer lists it.
            page = await admin.get("/s/BL-TX-002")
            assert page.status_code == 404 and "BL-TX-006" in page.text
            assert "BL-TX-002" not in {s["code"] for s in (await admin.get("/api/sites")).json()["sites"]}
            # A chosen new code, and a retired code cannot be reissued again.
            chosen = await admin.post("/api/admin/sites/BL-TX-006/reissue", json={"new_code": "BL-TX-100"})
            assert chosen.json()["site"]["code"] == "BL-TX-100"
            assert (await admin.post("/api/admin/sites/BL-TX-002/reissue", json={})).status_code == 404


async def test_site_add_edit_retire_and_import(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            body = {"code": "BL-TX-009", "name": "天鑫新苑", "kind": "residential", "community": "天鑫社区"}
            assert (await admin.post("/api/admin/sites", json=body)).status_code == 201
            again = await admin.post("/api/admin/sites", json=body)
            assert again.status_code == 400 and "已存在" in again.json()["message"]
            edited = await admin.patch("/api/admin/sites/BL-TX-009", json={"name": "天鑫新苑东区", "default_team": "TX-WG"})
            assert edited.json()["site"]["name"] == "天鑫新苑东区" and edited.json()["site"]["default_team"] == "TX-WG"
            bad_team = await admin.patch("/api/admin/sites/BL-TX-009", json={"default_team": "NOPE"})
            assert bad_team.status_code == 400 and "NOPE" in bad_team.json()["message"]
            assert (await admin.patch("/api/admin/sites/BL-XX-999", json={"name": "x"})).status_code == 404
            retired = await admin.post("/api/admin/sites/BL-TX-009/retire", json={"replaced_by": "BL-TX-001"})
            assert retired.json()["site"]["replaced_by"] == "BL-TX-001"
            csv = "code,name,kind,community\nBL-JX-010,锦绣东苑,residential,锦绣社区\nbad code,,moon,\n"
            refused = await admin.post("/api/admin/sites/import", content=csv.encode())
            assert refused.status_code == 400 and any("第 3 行" in e for e in refused.json()["errors"])
            ok = await admin.post("/api/admin/sites/import", content=csv.splitlines()[0].encode() + b"\n"
                                  + csv.splitlines()[1].encode())
            assert ok.json() == {"imported": 1}


async def test_category_limits_and_teams(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            edited = await admin.patch("/api/admin/categories/consult",
                                       json={"response_limit_minutes": 240, "resolution_limit_days": 3})
            assert edited.json()["category"]["resolution_limit_days"] == 3
            public = {c["code"]: c for c in (await admin.get("/api/categories")).json()["categories"]}
            assert public["consult"]["response_limit_minutes"] == 240
            for bad in ({"resolution_limit_days": 0}, {"response_limit_minutes": "ten"}, {"limit": 3},
                        {"default_team": "NOPE"}):
                response = await admin.patch("/api/admin/categories/consult", json=bad)
                assert response.status_code == 400 and response.json()["message"], bad
            new = {"code": "elevator", "name_zh": "电梯故障", "name_en": "Lift", "kind": "complaint",
                   "response_limit_minutes": 30, "resolution_limit_days": 5, "urgent": True}
            assert (await admin.post("/api/admin/categories", json=new)).status_code == 201
            assert (await admin.post("/api/admin/categories", json=new)).status_code == 409
            team = {"code": "TX-WG2", "name": "天鑫第二网格", "kind": "grid", "community": "天鑫社区"}
            assert (await admin.post("/api/admin/teams", json=team)).status_code == 201
            off = await admin.patch("/api/admin/teams/TX-WG2", json={"active": False})
            assert off.json()["team"]["active"] is False
            assert "TX-WG2" not in {t["code"] for t in (await admin.get("/api/teams")).json()["teams"]}


async def test_users_add_disable_and_reset_password(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin, client_for(app) as worker:
            body = {"username": "field3", "display_name": "网格员 赵", "role": "field", "team": "TX-WG",
                    "password": "first-pass-1"}
            assert (await admin.post("/api/admin/users", json=body)).status_code == 201
            assert (await admin.post("/api/admin/users", json=body)).status_code == 409
            await login(worker, "field3", "first-pass-1")
            assert (await worker.get("/api/auth/me")).status_code == 200
            # Disabling ends the session at once.
            assert (await admin.patch("/api/admin/users/field3", json={"active": False})).json()["user"]["active"] is False
            assert (await worker.get("/api/auth/me")).status_code == 401
            await admin.patch("/api/admin/users/field3", json={"active": True})
            weak = await admin.post("/api/admin/users/field3/password", json={"password": "short"})
            assert weak.status_code == 400 and weak.json()["error"] == "weak_password"
            assert (await admin.post("/api/admin/users/field3/password", json={"password": "second-pass-2"})).status_code == 200
            await login(worker, "field3", "second-pass-2")
            # An admin cannot lock themselves out, and the last admin stays.
            assert (await admin.patch("/api/admin/users/admin", json={"active": False})).status_code == 409
            assert (await admin.patch("/api/admin/users/admin", json={"role": "field"})).status_code == 409
            staff = (await admin.get("/api/staff?team=TX-WG")).json()["staff"]
            assert {s["username"] for s in staff} == {"field1", "field3"} and all(s["id"] for s in staff)


async def test_bad_codes_choices_and_blank_names_are_refused_and_change_nothing(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            teams = (await admin.get("/api/admin/teams")).json()
            categories = (await admin.get("/api/admin/categories")).json()
            users = (await admin.get("/api/admin/users")).json()
            refusals = [
                ("/api/admin/teams", {"code": "bad code", "name": "新队", "kind": "grid"}, "code"),
                ("/api/admin/teams", {"code": "BL-NEW", "name": "   ", "kind": "grid"}, "name"),
                ("/api/admin/teams", {"code": "BL-NEW", "name": "新队", "kind": "army"}, "kind"),
                ("/api/admin/categories", {"code": "Bad", "name_zh": "新", "name_en": "New", "kind": "help",
                                           "response_limit_minutes": 10, "resolution_limit_days": 5}, "code"),
                ("/api/admin/categories", {"code": "fresh", "name_zh": " ", "name_en": "New", "kind": "help",
                                           "response_limit_minutes": 10, "resolution_limit_days": 5}, "name_zh"),
                ("/api/admin/categories", {"code": "fresh", "name_zh": "新", "name_en": "New", "kind": "whim",
                                           "response_limit_minutes": 10, "resolution_limit_days": 5}, "kind"),
                ("/api/admin/users", {"username": "wang", "display_name": "王", "role": "boss",
                                      "password": "long-enough-1"}, "role"),
                ("/api/admin/users", {"username": "wang", "display_name": "  ", "role": "field",
                                      "password": "long-enough-1"}, "display_name"),
            ]
            for path, body, field in refusals:
                r = await admin.post(path, json=body)
                assert r.status_code == 400, (path, body)
                assert r.json()["error"] == "invalid_args" and r.json()["field"] == field, r.json()
                assert r.json()["message"], r.json()
            assert (await admin.get("/api/admin/teams")).json() == teams
            assert (await admin.get("/api/admin/categories")).json() == categories
            assert (await admin.get("/api/admin/users")).json() == users
