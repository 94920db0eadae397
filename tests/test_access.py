"""Every endpoint × every kind of caller → the status code it must answer; and cross-site writes refused.

The table is checked against the app's actual routes: an endpoint added without a row here fails the test, so
nobody ships a route whose access nobody decided. Write endpoints get bodies that are invalid on purpose: an
allowed caller then gets 400/404 (the body was looked at), a refused one 401/403 (it never was).
"""
from __future__ import annotations

import io
import secrets
from pathlib import Path

import httpx
from PIL import Image
from starlette.routing import Mount, Route

from tests.staff_support import ORIGIN, client_for, login, report, running_app

CALLERS = ("anonymous", "resident", "field", "dispatcher", "admin")
ANY, STAFF, DISPATCH, ADMIN = (200,) * 5, (401, 401, 200, 200, 200), (401, 401, 403, 200, 200), (401, 401, 403, 403, 200)
ADMIN_WRITE = (401, 401, 403, 403, 400)

# (method, route path) → (request path, JSON body or None, expected status per caller in CALLERS order)
TABLE: dict[tuple[str, str], tuple[str, object, tuple[int, ...]]] = {
    ("GET", "/healthz"): ("/healthz", None, ANY),
    ("POST", "/api/auth/login"): ("/api/auth/login", {}, (400,) * 5),
    ("POST", "/api/auth/logout"): ("/api/auth/logout", {}, STAFF),
    ("GET", "/api/auth/me"): ("/api/auth/me", None, STAFF),
    ("GET", "/api/sites"): ("/api/sites", None, ANY),
    ("GET", "/api/sites/{code}"): ("/api/sites/BL-TX-001", None, ANY),
    ("GET", "/api/categories"): ("/api/categories", None, ANY),
    ("GET", "/qr/{code}.{fmt}"): ("/qr/BL-TX-001.svg", None, ANY),
    ("GET", "/s/{code}"): ("/s/BL-TX-001", None, ANY),
    ("GET", "/posters"): ("/posters?community=天鑫社区", None, ANY),
    ("GET", "/posters/{code}"): ("/posters/BL-TX-001", None, ANY),
    ("MOUNT", "/static"): ("/static/page.css", None, ANY),
    ("GET", "/login"): ("/login", None, (200, 200, 303, 303, 303)),
    ("GET", "/console/"): ("/console/", None, (303, 303, 303, 200, 200)),
    # The field app's shell is static and public: the app signs the phone in itself and must open offline.
    ("GET", "/field/"): ("/field/", None, ANY),
    ("GET", "/field/sw.js"): ("/field/sw.js", None, ANY),
    ("GET", "/field/sw-precache.js"): ("/field/sw-precache.js", None, ANY),
    ("GET", "/pwa/{path:path}"): ("/pwa/console/main.js", None, ANY),
    ("GET", "/sync/client/{path:path}"): ("/sync/client/names.js", None, ANY),
    ("GET", "/sw.js"): ("/sw.js", None, ANY),
    ("GET", "/sw-precache.js"): ("/sw-precache.js", None, ANY),
    ("GET", "/s/"): ("/s/", None, ANY),
    ("GET", "/t/{token}"): ("/t/" + "0" * 32, None, ANY),
    # Anyone may upload a photo (rate-limited) who names its uploader (staff by signing in, a resident by its
    # X-Client-Id); this body is no image. Staff see every photo, a client only its own.
    ("POST", "/api/photos"): ("/api/photos", {}, (400, 415, 415, 415, 415)),
    ("GET", "/api/photos/{photo_id}"): ("/api/photos/{photo}", None, (404, 404, 200, 200, 200)),
    # Resumable uploads: anyone may upload, but only with the tus protocol's version header (these have none); an
    # upload's owner alone may touch it (tests/test_uploads.py).
    ("OPTIONS", "/api/uploads/"): ("/api/uploads/", None, (204,) * 5),
    ("POST", "/api/uploads/"): ("/api/uploads/", {}, (412,) * 5),
    ("PATCH", "/api/uploads/{upload_id}"): ("/api/uploads/" + "0" * 32, {}, (412,) * 5),
    ("DELETE", "/api/uploads/{upload_id}"): ("/api/uploads/" + "0" * 32, None, (412,) * 5),
    # The track token is the resident's key: whoever holds it sees the case's public view.
    ("GET", "/api/track/{track_token}"): ("/api/track/{token}", None, ANY),
    # Event streams never end, and httpx's ASGI transport waits for the end: a bad Last-Event-ID makes an
    # allowed caller's answer a 400 that shows the access check passed (the streams themselves are tested in
    # tests/test_console_browser.py against a real server).
    ("GET", "/api/events"): ("/api/events?last_event_id=x", None, (401, 401, 400, 400, 400)),
    ("GET", "/api/track/{track_token}/events"): ("/api/track/{token}/events?last_event_id=x", None, (400,) * 5),
    ("GET", "/api/teams"): ("/api/teams", None, STAFF),
    ("GET", "/api/staff"): ("/api/staff", None, DISPATCH),
    ("GET", "/api/cases"): ("/api/cases", None, STAFF),
    ("GET", "/api/cases/{id}"): ("/api/cases/{case}", None, (401, 401, 403, 200, 200)),
    ("GET", "/api/stats"): ("/api/stats", None, DISPATCH),
    ("GET", "/api/stats.csv"): ("/api/stats.csv", None, DISPATCH),
    ("GET", "/api/admin/sites"): ("/api/admin/sites", None, ADMIN),
    ("POST", "/api/admin/sites"): ("/api/admin/sites", {}, ADMIN_WRITE),
    ("POST", "/api/admin/sites/import"): ("/api/admin/sites/import", None, ADMIN_WRITE),
    ("PATCH", "/api/admin/sites/{code}"): ("/api/admin/sites/BL-TX-001", {"kind": "moon"}, ADMIN_WRITE),
    ("POST", "/api/admin/sites/{code}/retire"): ("/api/admin/sites/BL-TX-001/retire", {"x": 1}, ADMIN_WRITE),
    ("POST", "/api/admin/sites/{code}/reissue"): ("/api/admin/sites/BL-TX-001/reissue", {"x": 1}, ADMIN_WRITE),
    ("GET", "/api/admin/categories"): ("/api/admin/categories", None, ADMIN),
    ("POST", "/api/admin/categories"): ("/api/admin/categories", {}, ADMIN_WRITE),
    ("PATCH", "/api/admin/categories/{code}"): ("/api/admin/categories/help", {"response_limit_minutes": 0},
                                                ADMIN_WRITE),
    ("GET", "/api/admin/teams"): ("/api/admin/teams", None, ADMIN),
    ("POST", "/api/admin/teams"): ("/api/admin/teams", {}, ADMIN_WRITE),
    ("PATCH", "/api/admin/teams/{code}"): ("/api/admin/teams/TX-WG", {"kind": "moon"}, ADMIN_WRITE),
    ("POST", "/api/sync/push"): ("/api/sync/push", {}, (400,) * 5),
    # A pull names its client in X-Client-Id; of our callers only the resident sends one.
    ("GET", "/api/sync/pull"): ("/api/sync/pull", None, (400, 200, 400, 400, 400)),
    ("MOUNT", "/sync/client"): ("/sync/client/names.js", None, ANY),
    ("GET", "/api/admin/users"): ("/api/admin/users", None, ADMIN),
    ("POST", "/api/admin/users"): ("/api/admin/users", {}, ADMIN_WRITE),
    ("PATCH", "/api/admin/users/{username}"): ("/api/admin/users/field2", {"role": "king"}, ADMIN_WRITE),
    ("POST", "/api/admin/users/{username}/password"): ("/api/admin/users/field2/password", {"password": "x"},
                                                       ADMIN_WRITE),
    # Open311 is public to read; its one write needs an api_key, which none of these callers has (403 for all).
    ("GET", "/open311/v2/discovery.{fmt}"): ("/open311/v2/discovery.json", None, ANY),
    ("GET", "/open311/v2/services.{fmt}"): ("/open311/v2/services.xml", None, ANY),
    ("GET", "/open311/v2/services/{code}.{fmt}"): ("/open311/v2/services/env.json", None, ANY),
    ("GET", "/open311/v2/requests.{fmt}"): ("/open311/v2/requests.json", None, ANY),
    ("POST", "/open311/v2/requests.{fmt}"): ("/open311/v2/requests.json", {}, (403,) * 5),
    ("GET", "/open311/v2/requests/{id}.{fmt}"): ("/open311/v2/requests/NONE.json", None, (404,) * 5),
    ("GET", "/open311/v2/tokens/{token}.{fmt}"): ("/open311/v2/tokens/none.xml", None, (404,) * 5),
    ("GET", "/open311/v2/servicerequestupdates.{fmt}"): ("/open311/v2/servicerequestupdates.xml", None, ANY),
    **{(method, "/open311/{rest:path}"): ("/open311/v2/nothing.json", None, (404,) * 5)
       for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")},
    ("GET", "/api/export/12345.csv"): ("/api/export/12345.csv", None, DISPATCH),
    ("GET", "/api/admin/hotline-categories"): ("/api/admin/hotline-categories", None, ADMIN),
    ("PUT", "/api/admin/hotline-categories"): ("/api/admin/hotline-categories", {}, ADMIN_WRITE),
}


def actual_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add(("MOUNT", route.path))
        elif isinstance(route, Route):
            for method in (route.methods or {"GET"}) - {"HEAD"}:
                found.add((method, route.path))
        else:
            raise AssertionError(f"a kind of route this table does not know: {route!r}")
    return found


async def _clients(app) -> dict[str, httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    clients = {"anonymous": client_for(app), "resident": client_for(app, **{"X-Client-Id": "ab" * 16})}
    for role, username in (("field", "field2"), ("dispatcher", "dispatcher"), ("admin", "admin")):
        clients[role] = client_for(app)
        await login(clients[role], username)
    return clients


async def _photo(app) -> str:  # type: ignore[no-untyped-def]
    """A photo uploaded by another resident's phone than the table's resident."""
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    async with client_for(app, **{"X-Client-Id": "cd" * 16}) as phone:
        response = await phone.post("/api/photos", content=image.getvalue(), headers={"Content-Type": "image/png"})
        assert response.status_code == 201, response.text
        return str(response.json()["photo_id"])


async def test_every_route_has_a_row(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        routes = actual_routes(app)
    missing, stale = routes - set(TABLE), set(TABLE) - routes
    assert not missing, f"routes without an access row in tests/test_access.py: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


async def test_every_endpoint_answers_every_caller_as_the_table_says(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        # A case the dispatcher sent to field1's team: field2 (another team) must not read it.
        token = secrets.token_hex(16)
        case_id = await report(app, track_token=token)
        clients = await _clients(app)
        photo = await _photo(app)
        wrong = []
        # Logging out ends the session the other rows need, so it goes last.
        for key in sorted(TABLE, key=lambda k: k == ("POST", "/api/auth/logout")):
            path, body, expected = TABLE[key]
            path = path.replace("{case}", case_id).replace("{photo}", photo).replace("{token}", token)
            method = "GET" if key[0] == "MOUNT" else key[0]
            for caller, status in zip(CALLERS, expected):
                response = await clients[caller].request(method, path, json=body, follow_redirects=False)
                if response.status_code != status:
                    wrong.append(f"{key[0]} {path} as {caller}: {response.status_code}, expected {status}")
        for client in clients.values():
            await client.aclose()
    assert not wrong, "\n".join(wrong)


async def test_a_field_worker_reads_the_cases_of_their_team_only(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        from tests.staff_support import staff_pusher

        mine, other = await report(app), await report(app)
        dispatcher = await staff_pusher(app, "dispatcher")
        for case_id, team in ((mine, "TX-WG"), (other, "BL-DY")):
            await dispatcher("case.accept", id=case_id)
            await dispatcher("case.dispatch", id=case_id, team=team)
        async with client_for(app) as field1:
            await login(field1, "field1")
            listed = (await field1.get("/api/cases")).json()
            assert [c["id"] for c in listed["cases"]] == [mine]
            assert (await field1.get(f"/api/cases/{mine}")).status_code == 200
            assert (await field1.get(f"/api/cases/{other}")).status_code == 403


async def test_a_cross_site_write_is_refused(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with client_for(app) as admin:
            await login(admin, "admin")
            body = {"username": "mallory", "display_name": "M", "role": "admin", "password": "p4ssw0rd!!"}
            for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                            {"Origin": "", "Referer": "https://evil.example/page"}):
                response = await admin.post("/api/admin/users", json=body, headers=headers)
                assert response.status_code == 403 and response.json()["error"] == "bad_origin", headers
            # Without any Origin or Referer a cookie-carrying write is refused as well.
            admin.headers.pop("Origin")
            assert (await admin.post("/api/admin/users", json=body)).status_code == 403
            admin.headers["Origin"] = ORIGIN
            assert "mallory" not in {u["username"] for u in (await admin.get("/api/admin/users")).json()["users"]}
