"""The field app's photos go up resumably, in Chromium against a real server: a photo taken offline starts
uploading when the signal returns, the connection dies part-way, the page is reloaded, and the upload resumes from
the server's offset (no byte sent twice beyond one chunk) and the photo reaches the case exactly once."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from tests.resident_browser import PHONE, wait_controlled
from tests.support.databases import new_database, query
from tests.support.faults import Faults
from tests.support.server import demo_app, serve
from tests.test_console_browser import case_as_server_sees_it
from tests.test_field_browser import device_sign_in, dispatched_case

pytestmark = pytest.mark.browser

CHUNK = 256 * 1024


def noisy_photo(path: Path) -> Path:
    """A phone-sized photo whose JPEG stays large after the app shrinks it (noise does not compress)."""
    Image.effect_noise((1600, 1200), 70).convert("RGB").save(path, "JPEG", quality=95)
    return path


def wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_cut_upload_resumes_after_a_reload_and_the_photo_reaches_the_case_once(
        tmp_path: Path, browser: Browser) -> None:
    db = new_database(tmp_path)
    faults = Faults(demo_app(db))
    with serve(faults) as url:
        server = SimpleNamespace(url=url, db=db)
        case_id, _ = dispatched_case(server)  # type: ignore[arg-type]
        context = browser.new_context(**PHONE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        device_sign_in(page, server)  # type: ignore[arg-type]
        wait_controlled(page)
        page.goto(f"{url}/field/#/case/{case_id}")
        page.locator('[data-action="photo"]').wait_for()

        context.set_offline(True)
        page.set_input_files("#action-photo-file", str(noisy_photo(tmp_path / "photo.jpg")))
        expect(page.locator('[data-role="photo-waiting"]')).to_have_count(1)
        # The first chunk goes through, the second dies after 100 KB, and then the link stays dead.
        faults.cut("/api/uploads/", after_bytes=100_000, skip=1)
        faults.cut("/api/uploads/", after_bytes=0, times=1000)
        context.set_offline(False)
        wait_for(lambda: faults.cuts_made >= 3)
        # The server stores what arrived before a cut once it sees the client gone; the phone's next attempt may
        # get there first (its HEAD then reports the older offset), so wait for that write rather than race it.
        wait_for(lambda: query(db, "SELECT received FROM uploads")[0]["received"] > CHUNK)
        held = [(r["received"], r["length"]) for r in query(db, "SELECT received, length FROM uploads")]
        assert len(held) == 1 and CHUNK < held[0][0] < held[0][1], held

        faults.clear()
        page.reload()
        expect(page.locator('[data-role="photo-waiting"]')).to_have_count(0, timeout=30_000)
        wait_for(lambda: len(case_as_server_sees_it(server, case_id)["photos"]) == 1)  # type: ignore[arg-type]
        detail = case_as_server_sees_it(server, case_id)  # type: ignore[arg-type]
        assert Counter(e["type"] for e in detail["timeline"])["case.photo"] == 1
        size = query(db, "SELECT length FROM uploads")[0]["length"]
        received = sum(n for path, n in faults.body_bytes.items() if path.startswith("/api/uploads/"))
        assert size <= received <= size + CHUNK, (received, size)
        assert faults.calls["/api/uploads/"] == 1  # created once: resumed, never started again
        [photos] = query(db, "SELECT COUNT(*) AS n, MAX(user_id) AS user_id FROM photos")
        assert photos["n"] == 1 and photos["user_id"] is not None  # owned by the field worker's user
        thumb = page.locator('[data-role="photos"] img').first
        expect(thumb).to_have_attribute("src", f"/api/photos/{detail['photos'][0]['id']}?size=small")
        assert not errors, errors
        context.close()
