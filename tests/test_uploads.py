"""``/api/uploads/``, tus 1.0.0 by hand: every status code, offsets, completion, refusal, termination, expiry,
ownership and the rate limit (tests/test_uploads_live.py runs a real server, a real tus client and cuts)."""
from __future__ import annotations

import asyncio
import time
import uuid
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from tests.resident_support import create_mutation, jpeg_with_gps, minimal_pdf
from tests.staff_support import client_for, login, running_app
from tests.support.tus import PATCH, TUS, create, created, noisy_png, patch, upload

ME = {"X-Client-Id": "ab" * 16}
OTHER = {"X-Client-Id": "cd" * 16}


async def count(app, sql: str, *params: object) -> int:  # type: ignore[no-untyped-def]
    row = await app.state.db.fetchone(sql, params)
    return int(row[0])


async def test_options_tells_version_extensions_and_max_size(tmp_path: Path) -> None:
    async with running_app(tmp_path, photo_max_mb=3) as app, client_for(app) as client:
        r = await client.options("/api/uploads/")
        assert r.status_code == 204
        assert r.headers["tus-resumable"] == r.headers["tus-version"] == "1.0.0"
        assert set(r.headers["tus-extension"].split(",")) == {"creation", "expiration", "termination"}
        assert r.headers["tus-max-size"] == str(3 * 1024 * 1024)


async def test_creation_answers_201_with_location_and_expiry(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        r = await create(client, 1234)
        assert r.status_code == 201 and r.headers["tus-resumable"] == "1.0.0"
        assert r.headers["location"].startswith("/api/uploads/") and len(r.headers["location"]) == 13 + 32
        expires = parsedate_to_datetime(r.headers["upload-expires"]).timestamp()
        assert 23.9 * 3600 < expires - time.time() < 24.1 * 3600
        head = await client.head(r.headers["location"], headers=TUS)
        assert head.status_code == 200 and head.headers["cache-control"] == "no-store"
        assert (head.headers["upload-offset"], head.headers["upload-length"]) == ("0", "1234")
        assert head.headers["upload-metadata"] == "kind cGhvdG8=" and "upload-media-id" not in head.headers
        assert head.headers["tus-resumable"] == "1.0.0" and head.headers["upload-expires"]


async def test_creation_refuses_what_it_cannot_take_with_clear_json(tmp_path: Path) -> None:
    async with running_app(tmp_path, photo_max_mb=1) as app, client_for(app, **ME) as client:
        no_version = await client.post("/api/uploads/", headers={"Upload-Length": "10", "Upload-Metadata": "kind cGhvdG8="})
        assert no_version.status_code == 412 and no_version.headers["tus-version"] == "1.0.0"
        assert no_version.json()["error"] == "tus_version" and no_version.headers["tus-resumable"] == "1.0.0"
        assert (await client.post("/api/uploads/", headers={**TUS, "Upload-Metadata": "kind cGhvdG8="})).status_code == 400
        for bad in ("kind", "kind !!!", "kind cGhvdG8=,kind cGhvdG8=", "kind dm9pY2V=x", "a b c"):
            r = await client.post("/api/uploads/", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": bad})
            assert r.status_code == 400 and r.json()["error"] == "bad_metadata", bad
        too_big = await create(client, 1024 * 1024 + 1)
        assert too_big.status_code == 413
        assert too_big.json() == {"error": "photo_too_large", "message": "照片不能超过 1 MB"}
        assert (await create(client, 0)).json()["error"] == "photo_empty"
        voice = await create(client, 1000, kind="voice")
        assert voice.status_code == 415 and voice.json()["error"] == "voice_not_supported"
        assert (await create(client, 1000, kind="video")).status_code == 400
    async with running_app(tmp_path / "2") as app, client_for(app) as nobody:
        r = await create(nobody, 1000)
        assert r.status_code == 400 and "X-Client-Id" in r.json()["message"]
        assert await count(app, "SELECT COUNT(*) FROM uploads") == 0


async def test_patch_checks_type_and_offset_and_answers_the_new_offset(tmp_path: Path) -> None:
    data = noisy_png()
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        url = await created(client, len(data))
        wrong_type = await client.patch(url, content=data[:10], headers={**TUS, "Upload-Offset": "0"})
        assert wrong_type.status_code == 415 and wrong_type.json()["error"] == "bad_content_type"
        assert (await client.patch(url, content=b"x", headers={**PATCH})).status_code == 400
        first = await patch(client, url, 0, data[:1000])
        assert first.status_code == 204 and first.headers["upload-offset"] == "1000"
        assert first.headers["tus-resumable"] == "1.0.0" and first.headers["upload-expires"]
        stale = await patch(client, url, 0, data[:1000])
        assert stale.status_code == 409 and stale.headers["upload-offset"] == "1000"
        assert stale.json()["error"] == "offset_mismatch" and stale.json()["offset"] == 1000
        assert (await patch(client, url, 2000, data[2000:3000])).status_code == 409
        too_long = await patch(client, url, 1000, data[1000:] + b"extra")
        assert too_long.status_code == 413 and too_long.json()["error"] == "upload_too_long"
        empty = await patch(client, url, 1000, b"")
        assert empty.status_code == 204 and empty.headers["upload-offset"] == "1000"
        assert (await client.head(url, headers=TUS)).headers["upload-offset"] == "1000"


async def test_the_last_byte_makes_a_photo_named_on_patch_and_head(tmp_path: Path) -> None:
    data = jpeg_with_gps()
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        url = await created(client, len(data))
        assert (await patch(client, url, 0, data[:5000])).status_code == 204
        assert await count(app, "SELECT COUNT(*) FROM photos") == 0  # not a photo until it is whole
        last = await patch(client, url, 5000, data[5000:])
        assert last.status_code == 204 and last.headers["upload-offset"] == str(len(data))
        media_id = last.headers["upload-media-id"]
        head = await client.head(url, headers=TUS)
        assert head.status_code == 200 and head.headers["upload-media-id"] == media_id
        again = await patch(client, url, len(data), b"")  # the answer to the last PATCH was lost: ask again
        assert again.status_code == 204 and again.headers["upload-media-id"] == media_id
        photo = await client.get(f"/api/photos/{media_id}")
        assert photo.status_code == 200 and photo.content[:2] == b"\xff\xd8" and b"TestPhone" not in photo.content
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 0  # the bytes now live in the photo
        row = await app.state.db.fetchone("SELECT client_id, user_id FROM photos WHERE id = ?", (media_id,))
        assert tuple(row) == (ME["X-Client-Id"], None)


async def test_a_file_that_is_no_photo_is_refused_for_good(tmp_path: Path) -> None:
    pdf = minimal_pdf()
    async with running_app(tmp_path, photo_max_pixels=1000) as app, client_for(app, **ME) as client:
        url = await created(client, len(pdf))
        r = await patch(client, url, 0, pdf)
        assert r.status_code == 415
        assert r.json() == {"error": "not_an_image", "message": "文件不是图片，请选择照片（JPEG 或 PNG）"}
        head = await client.head(url, headers=TUS)
        assert head.status_code == 415 and head.headers["upload-error"] == "not_an_image"
        assert unquote(head.headers["upload-error-message"]) == "文件不是图片，请选择照片（JPEG 或 PNG）"
        assert (await patch(client, url, len(pdf), b"")).status_code == 415
        bomb = jpeg_with_gps((100, 100))
        r = await upload(client, bomb)
        assert r.status_code == 413 and r.json()["error"] == "photo_too_many_pixels"
        assert await count(app, "SELECT COUNT(*) FROM photos") == 0
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 0


async def test_termination_deletes_the_upload_and_its_bytes(tmp_path: Path) -> None:
    data = noisy_png()
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        url = await created(client, len(data))
        await patch(client, url, 0, data[:50_000])
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 1
        r = await client.delete(url, headers=TUS)
        assert r.status_code == 204 and r.headers["tus-resumable"] == "1.0.0"
        assert (await client.head(url, headers=TUS)).status_code == 404
        assert (await patch(client, url, 50_000, data[50_000:])).status_code == 404
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 0
        assert (await client.delete(url, headers=TUS)).status_code == 404


async def test_an_upload_is_its_creators_alone(tmp_path: Path) -> None:
    data = jpeg_with_gps((300, 200))
    async with running_app(tmp_path) as app, client_for(app, **ME) as me, client_for(app, **OTHER) as other, \
            client_for(app) as field1, client_for(app) as field2:
        url = await created(me, len(data))
        await patch(me, url, 0, data[:100])
        for stranger in (other, field1):
            if stranger is field1:
                await login(field1, "field1")
            assert (await stranger.head(url, headers=TUS)).status_code == 404
            r = await patch(stranger, url, 100, data[100:])
            assert r.status_code == 404 and r.json()["error"] == "upload_not_found"
            assert (await stranger.delete(url, headers=TUS)).status_code == 404
        assert (await me.head(url, headers=TUS)).headers["upload-offset"] == "100"
        # Staff own their uploads as a user: the same person on a phone (device token) may go on with it.
        staff_url = await created(field1, len(data))
        await patch(field1, staff_url, 0, data[:100])
        phone = await field2.post("/api/auth/login", json={"username": "field1", "password": "demo1234", "device": True})
        bearer = {"Authorization": f"Bearer {phone.json()['device_token']}"}
        async with client_for(app, **bearer) as field1_phone, client_for(app) as someone_else:
            done = await patch(field1_phone, staff_url, 100, data[100:])
            assert done.status_code == 204 and done.headers["upload-media-id"]
            await login(someone_else, "field2")
            assert (await someone_else.head(staff_url, headers=TUS)).status_code == 404
            revoked = {"Authorization": "Bearer not-a-token"}
            assert (await me.head(url, headers={**TUS, **revoked})).status_code == 401


async def test_creations_are_rate_limited_like_photos_and_staff_are_not(tmp_path: Path) -> None:
    async with running_app(tmp_path, rate_photos_per_client=2) as app, client_for(app, **ME) as me, \
            client_for(app) as staff:
        small = jpeg_with_gps((60, 40))
        assert (await me.post("/api/photos", content=small)).status_code == 201  # one allowance for both ways
        assert (await create(me, 100)).status_code == 201
        limited = await create(me, 100)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert "上传照片过于频繁" in limited.json()["message"] and limited.headers["tus-resumable"] == "1.0.0"
        await login(staff, "dispatcher")
        for _ in range(3):
            assert (await create(staff, 100)).status_code == 201


async def test_an_unfinished_upload_expires_and_the_cleanup_deletes_its_bytes(tmp_path: Path) -> None:
    data = noisy_png()
    # Expires a second after its last chunk; the cleanup runs every 0.2 s.
    async with running_app(tmp_path, upload_expire_hours=1 / 3600, upload_sweep_minutes=0.2 / 60) as app, \
            client_for(app, **ME) as client:
        url = await created(client, len(data))
        first = await patch(client, url, 0, data[:10_000])
        expires = parsedate_to_datetime(first.headers["upload-expires"]).timestamp()
        assert expires - time.time() < 2
        done = await upload(client, jpeg_with_gps((200, 100)))
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 1
        deadline = time.monotonic() + 10
        while await count(app, "SELECT COUNT(*) FROM uploads") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 0
        assert await count(app, "SELECT COUNT(*) FROM uploads") == 0
        assert (await client.head(url, headers=TUS)).status_code == 404
        # The photo a finished upload became stays: a mutation may name it.
        assert (await client.get(f"/api/photos/{done.headers['upload-media-id']}")).status_code == 200


async def test_an_expired_upload_is_gone_before_the_cleanup_comes(tmp_path: Path) -> None:
    async with running_app(tmp_path, upload_expire_hours=0.5 / 3600) as app, client_for(app, **ME) as client:
        url = await created(client, 5000)
        await asyncio.sleep(0.6)
        r = await patch(client, url, 0, b"x" * 100)
        assert r.status_code == 410 and r.json()["error"] == "upload_expired"
        assert (await client.head(url, headers=TUS)).status_code == 410
        assert await count(app, "SELECT COUNT(*) FROM upload_chunks") == 0


async def test_nothing_malformed_gets_a_5xx(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        url = await created(client, 100)
        for method, path, headers in [
            ("HEAD", "/api/uploads/../../etc", TUS), ("PATCH", "/api/uploads/" + "z" * 32, PATCH),
            ("PATCH", url, {**PATCH, "Upload-Offset": "-1"}), ("PATCH", url, {**PATCH, "Upload-Offset": "9" * 40}),
            ("POST", "/api/uploads/", {**TUS, "Upload-Length": "1e9", "Upload-Metadata": "kind cGhvdG8="}),
            ("POST", "/api/uploads/", {**TUS, "Upload-Length": "10", "Upload-Metadata": "kind " + "QQ==" * 2000}),
            ("POST", "/api/uploads/", {**TUS, "Upload-Length": "10", "Upload-Defer-Length": "1"}),
            ("PATCH", url, {**TUS, "Upload-Offset": "0", "X-Client-Id": "nope"}),
        ]:
            r = await client.request(method, path, headers=headers, content=b"abc")
            assert 400 <= r.status_code < 500, (method, path, headers, r.status_code)
            assert r.status_code == 404 or r.headers["tus-resumable"] == "1.0.0"
            if method != "HEAD" and r.status_code != 404:
                assert r.json()["message"], r.text


async def test_a_report_may_name_only_its_own_finished_uploads(tmp_path: Path) -> None:
    data = jpeg_with_gps((400, 300))
    async with running_app(tmp_path) as app, client_for(app, **ME) as me, client_for(app, **OTHER) as other:
        media_id = (await upload(me, data)).headers["upload-media-id"]
        unfinished = (await created(me, len(data))).rsplit("/", 1)[1]

        async def push(client, who: str, mid: int, photos: list[str]) -> dict:  # type: ignore[no-untyped-def, type-arg]
            mutation = create_mutation(mid, str(uuid.uuid4()), uuid.uuid4().hex, photos=photos)
            r = await client.post("/api/sync/push", json={"client_id": who, "mutations": [mutation]})
            assert r.status_code == 200, r.text
            return r.json()["results"][0]  # type: ignore[no-any-return]

        stolen = await push(other, OTHER["X-Client-Id"], 1, [media_id])
        assert stolen["status"] == "rejected" and stolen["error"] == "photo_not_found"
        assert "照片" in stolen["message"]
        assert (await push(me, ME["X-Client-Id"], 1, [unfinished]))["status"] == "rejected"
        assert (await push(me, ME["X-Client-Id"], 2, ["0" * 32]))["status"] == "rejected"
        assert (await push(me, ME["X-Client-Id"], 3, [media_id]))["status"] == "applied"
        assert await count(app, "SELECT COUNT(*) FROM cases") == 1
