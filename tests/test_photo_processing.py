"""What every uploaded photo goes through (``server/photos.py``, ``server/decodes.py``): no metadata block of any
kind survives, a small rendition is made and served with the full photo's access rules, and decodes queue
behind ``media_max_decodes``."""
from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from tests.resident_support import create_mutation, jpeg_with_gps
from tests.staff_support import client_for, running_app
from tests.support.tus import noisy_png, upload

ME = {"X-Client-Id": "ab" * 16}
# Markers a plain baseline or progressive JPEG needs: SOI, JFIF APP0, tables, frame, restart interval, scan.
PLAIN_MARKERS = {0xD8, 0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'


def markers(jpeg: bytes) -> set[int]:
    """The markers of a JPEG's header segments, up to the first scan."""
    assert jpeg[:2] == b"\xff\xd8"
    found, i = {0xD8}, 2
    while i < len(jpeg):
        assert jpeg[i] == 0xFF, f"not a marker at {i}"
        marker = jpeg[i + 1]
        found.add(marker)
        if marker == 0xDA:
            return found
        i += 2 + int.from_bytes(jpeg[i + 2:i + 4], "big")
    raise AssertionError("no scan")


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "secret-text-comment")  # Pillow would turn this one into a JPEG COM segment
    info.add_text("Author", "secret-ztxt", zip=True)
    info.add_itxt("Description", "secret-itxt 秘密", lang="zh", tkey="描述")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return _saved(Image.new("RGB", (300, 200), "teal"), "PNG", pnginfo=info)


def _sources() -> dict[str, bytes]:
    picture = Image.new("RGB", (640, 480), (200, 50, 50))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "secret-exif-make"
    return {
        "jpeg exif and gps": jpeg_with_gps((640, 480)),
        "jpeg comment": _saved(picture, "JPEG", comment=b"secret-jpeg-comment"),
        "jpeg xmp": _saved(picture, "JPEG", xmp=XMP),
        "jpeg icc": _saved(picture, "JPEG", icc_profile=srgb),
        "png text, ztxt, itxt and xmp": _png_with_text(),
        "webp exif and xmp": _saved(picture, "WEBP", exif=exif, xmp=XMP),
    }


@pytest.mark.parametrize("name", list(_sources()))
async def test_no_metadata_block_survives_in_the_photo_or_its_rendition(tmp_path: Path, name: str) -> None:
    source = _sources()[name]
    async with running_app(tmp_path) as app, client_for(app, **ME) as client:
        done = await upload(client, source, chunk=4096)
        assert done.status_code == 204, done.text
        media_id = done.headers["upload-media-id"]
        for size in ("full", "small"):
            jpeg = (await client.get(f"/api/photos/{media_id}", params={"size": size})).content
            assert markers(jpeg) <= PLAIN_MARKERS, (size, sorted(hex(m) for m in markers(jpeg) - PLAIN_MARKERS))
            assert b"secret" not in jpeg and b"TestPhone" not in jpeg and b"xmpmeta" not in jpeg
            assert Image.open(io.BytesIO(jpeg)).info.keys() <= {"jfif", "jfif_version", "jfif_unit", "jfif_density",
                                                                 "progressive", "progression"}


async def test_the_rendition_is_small_and_served_like_the_photo(tmp_path: Path) -> None:
    big = _saved(Image.effect_noise((2400, 1600), 90).convert("RGB"), "JPEG", quality=92)
    async with running_app(tmp_path) as app, client_for(app, **ME) as me, client_for(app) as stranger:
        media_id = (await upload(me, big)).headers["upload-media-id"]
        small = await me.get(f"/api/photos/{media_id}?size=small")
        full = await me.get(f"/api/photos/{media_id}")
        assert small.status_code == full.status_code == 200 and small.headers["content-type"] == "image/jpeg"
        assert len(small.content) <= 30 * 1024 < len(full.content)
        thumb = Image.open(io.BytesIO(small.content))
        assert max(thumb.size) <= 320 and abs(thumb.width / thumb.height - 1.5) < 0.05
        assert small.headers["etag"] != full.headers["etag"]
        assert (await me.get(f"/api/photos/{media_id}?size=small",
                             headers={"if-none-match": small.headers["etag"]})).status_code == 304
        assert (await stranger.get(f"/api/photos/{media_id}?size=small")).status_code == 404
        assert (await me.get(f"/api/photos/{media_id}?size=huge")).status_code == 400
        # Whoever holds the track token of a case that shows the photo sees its rendition too.
        token = "ee" * 16
        await me.post("/api/sync/push", json={"client_id": ME["X-Client-Id"], "mutations": [
            create_mutation(1, "0b8e2f6a-2f5c-4c1e-9a54-3d1f0e6b7c11", token, photos=[media_id])]})
        seen = await stranger.get(f"/api/photos/{media_id}", params={"size": "small", "token": token})
        assert seen.status_code == 200 and seen.content == small.content
        # A small photo is not blown up.
        tiny = (await upload(me, _saved(Image.new("RGB", (120, 80), "navy"), "PNG"))).headers["upload-media-id"]
        assert Image.open(io.BytesIO((await me.get(f"/api/photos/{tiny}?size=small")).content)).size == (120, 80)


async def test_a_photo_stored_before_renditions_gets_one_on_first_request(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app, client_for(app, **ME) as me:
        photo_id = (await me.post("/api/photos", content=noisy_png((1000, 700)))).json()["photo_id"]
        async with app.state.db.write() as conn:
            await conn.execute("UPDATE photos SET small = NULL")
        small = await me.get(f"/api/photos/{photo_id}?size=small")
        assert small.status_code == 200 and max(Image.open(io.BytesIO(small.content)).size) == 320
        row = await app.state.db.fetchone("SELECT length(small) FROM photos WHERE id = ?", (photo_id,))
        assert row[0] == len(small.content)


async def test_a_decode_waits_while_every_slot_is_taken(tmp_path: Path) -> None:
    data = noisy_png((600, 400))
    async with running_app(tmp_path, media_max_decodes=1) as app, client_for(app, **ME) as client:
        gate = app.state.decodes
        await gate.hold()
        resumable = asyncio.create_task(upload(client, data))
        whole = asyncio.create_task(client.post("/api/photos", content=data))
        for _ in range(200):
            if gate.waiting == 2:
                break
            await asyncio.sleep(0.02)
        assert gate.waiting == 2 and gate.running == 0
        await asyncio.sleep(0.2)
        assert not resumable.done() and not whole.done()
        gate.release()
        done, posted = await asyncio.wait_for(asyncio.gather(resumable, whole), 30)
        assert done.status_code == 204 and done.headers["upload-media-id"]
        assert posted.status_code == 201
        assert gate.waiting == gate.running == 0
