"""``POST /api/photos`` / ``GET /api/photos/{id}``: images only, re-encoded without EXIF, size and rate limits."""
import io
import os

from PIL import Image

from tests.resident_support import api_client, jpeg_with_gps, minimal_pdf

CLIENT = "0123456789abcdef0123456789abcdef"


async def test_photo_is_reencoded_without_gps_and_shrunk(tmp_path):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    async with api_client(tmp_path) as client:
        r = await client.post("/api/photos", content=original,
                              headers={"content-type": "image/jpeg", "x-client-id": CLIENT})
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["width"], body["height"]) == (1600, 1200)
        got = await client.get(f"/api/photos/{body['photo_id']}", headers={"x-client-id": CLIENT})
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        stored = Image.open(io.BytesIO(got.content))
        assert stored.format == "JPEG" and stored.size == (1600, 1200)
        assert not stored.getexif(), "EXIF (GPS included) must be gone"
        assert b"TestPhone" not in got.content


async def test_photo_not_visible_to_strangers(tmp_path):
    async with api_client(tmp_path) as client:
        r = await client.post("/api/photos", content=jpeg_with_gps((300, 200)), headers={"x-client-id": CLIENT})
        photo_id = r.json()["photo_id"]
        assert (await client.get(f"/api/photos/{photo_id}")).status_code == 404
        other = "f" * 32
        assert (await client.get(f"/api/photos/{photo_id}", headers={"x-client-id": other})).status_code == 404
        assert (await client.get("/api/photos/../etc")).status_code == 404


async def test_retried_upload_with_same_key_is_stored_once(tmp_path):
    async with api_client(tmp_path) as client:
        headers = {"x-client-id": CLIENT, "x-upload-key": "a" * 32}
        first = await client.post("/api/photos", content=jpeg_with_gps((300, 200)), headers=headers)
        again = await client.post("/api/photos", content=jpeg_with_gps((300, 200)), headers=headers)
        assert first.json()["photo_id"] == again.json()["photo_id"]
        rows = await client.app.state.db.fetchall("SELECT id FROM photos")
        assert len(rows) == 1


async def test_pdf_named_jpg_is_refused(tmp_path):
    async with api_client(tmp_path) as client:
        r = await client.post("/api/photos", content=minimal_pdf(),
                              headers={"content-type": "image/jpeg", "x-client-id": CLIENT})
        assert r.status_code == 415
        assert r.json() == {"error": "not_an_image", "message": "文件不是图片，请选择照片（JPEG 或 PNG）"}


async def test_25_mb_photo_is_refused_with_a_clear_message(tmp_path):
    async with api_client(tmp_path) as client:
        big = os.urandom(25 * 1024 * 1024)
        r = await client.post("/api/photos", content=big, headers={"content-type": "image/jpeg", "x-client-id": CLIENT})
        assert r.status_code == 413
        assert r.json()["message"] == "照片不能超过 10 MB"


async def test_empty_and_bomb_uploads_are_refused(tmp_path):
    async with api_client(tmp_path, photo_max_pixels=1000) as client:
        mine = {"x-client-id": CLIENT}
        assert (await client.post("/api/photos", content=b"", headers=mine)).json()["error"] == "photo_empty"
        r = await client.post("/api/photos", content=jpeg_with_gps((100, 100)), headers=mine)
        assert r.status_code == 413 and r.json()["error"] == "photo_too_many_pixels"


async def test_png_with_transparency_becomes_jpeg(tmp_path):
    image = Image.new("RGBA", (40, 30), (255, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    async with api_client(tmp_path) as client:
        r = await client.post("/api/photos", content=out.getvalue(), headers={"x-client-id": CLIENT})
        assert r.status_code == 201
        got = await client.get(f"/api/photos/{r.json()['photo_id']}", headers={"x-client-id": CLIENT})
        assert Image.open(io.BytesIO(got.content)).getpixel((5, 5)) == (255, 255, 255)


async def test_photo_uploads_are_rate_limited_per_client(tmp_path):
    async with api_client(tmp_path, rate_photos_per_client=2) as client:
        small = jpeg_with_gps((60, 40))
        for _ in range(2):
            assert (await client.post("/api/photos", content=small, headers={"x-client-id": CLIENT})).status_code == 201
        r = await client.post("/api/photos", content=small, headers={"x-client-id": CLIENT})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) > 0
        assert r.json()["error"] == "rate_limited" and "上传照片过于频繁" in r.json()["message"]
        other = await client.post("/api/photos", content=small, headers={"x-client-id": "b" * 32})
        assert other.status_code == 201
