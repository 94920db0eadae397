"""Thumbnails are small renditions, the full photo opens on tap in an accessible viewer (pwa/shared/photo-viewer.js),
in Chromium: the tracking page, the dispatcher console and the field app share it."""
from __future__ import annotations

import io
import secrets
import time
import uuid

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.resident_browser import PHONE
from tests.support.axe import violations
from tests.support.server import RunningServer
from tests.support.tus import PATCH, TUS, metadata
from tests.test_console_browser import sign_in
from tests.test_field_browser import device_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(module_server: RunningServer) -> RunningServer:
    return module_server


def report_with_photo(server: RunningServer) -> tuple[str, str, str]:
    """A resident uploads a photo (resumably) and reports a case naming it; returns (case id, token, photo id)."""
    client_id = secrets.token_hex(16)
    image = io.BytesIO()
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(image, "JPEG", quality=90)
    data = image.getvalue()
    me = {"X-Client-Id": client_id}
    created = httpx.post(server.url + "/api/uploads/", headers={
        **TUS, **me, "Upload-Length": str(len(data)), "Upload-Metadata": metadata(kind="photo")})
    done = httpx.patch(server.url + created.headers["location"], content=data,
                       headers={**PATCH, **me, "Upload-Offset": "0"})
    photo_id = done.headers["upload-media-id"]
    case_id, token = str(uuid.uuid4()), secrets.token_hex(16)
    push = httpx.post(server.url + "/api/sync/push", json={"client_id": client_id, "mutations": [{
        "mid": 1, "name": "case.create", "hlc": f"{int(time.time() * 1000):013d}-0000",
        "args": {"id": case_id, "track_token": token, "site": "BL-TX-002", "category": "help",
                 "description": "楼道里堆满杂物", "photos": [photo_id]}}]})
    assert push.json()["results"][0]["status"] == "applied", push.text
    return case_id, token, photo_id


def photo_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if "/api/photos/" in request.url else None)
    return seen


def check_viewer(page: Page, photo_id: str, seen: list[str]) -> None:
    """Tap the thumbnail: the full photo in a dialog, focus on its close button; Esc and the button close it, and
    focus goes back to the thumbnail."""
    thumb = page.locator('[data-action="open-photo"]').first
    expect(thumb.locator("img")).to_have_js_property("complete", True)
    assert seen and all("size=small" in url for url in seen), seen  # a thumbnail never costs the full photo
    thumb.click()
    viewer = page.locator('dialog[data-role="photo-viewer"]')
    expect(viewer).to_be_visible()
    expect(page.locator('[data-action="close-photo"]')).to_be_focused()
    expect(viewer.locator('[data-role="photo-full"]')).to_have_js_property("complete", True)
    full = [url for url in seen if "size=small" not in url]
    assert len(full) == 1 and f"/api/photos/{photo_id}" in full[0], seen
    assert violations(page) == []
    page.keyboard.press("Escape")
    expect(viewer).to_have_count(0)
    expect(thumb).to_be_focused()
    thumb.press("Enter")
    page.locator('[data-action="close-photo"]').click()
    expect(viewer).to_have_count(0)
    expect(thumb).to_be_focused()


def test_the_tracking_page_shows_the_rendition_and_the_full_photo_on_tap(server: RunningServer,
                                                                        browser: Browser) -> None:
    _, token, photo_id = report_with_photo(server)
    page = browser.new_context(**PHONE).new_page()
    seen = photo_requests(page)
    page.goto(f"{server.url}/t/{token}")
    expect(page.locator('[data-region="photos"] [data-action="open-photo"]')).to_have_count(1)
    expect(page.locator('[data-action="open-photo"]')).to_have_accessible_name("查看大图：第 1 张照片")
    check_viewer(page, photo_id, seen)
    assert all(f"token={token}" in url for url in seen)


def test_the_console_and_the_field_app_show_renditions_too(server: RunningServer, browser: Browser) -> None:
    case_id, _, photo_id = report_with_photo(server)
    console = browser.new_context().new_page()
    seen = photo_requests(console)
    assert sign_in(console, server, "dispatcher") == []
    console.wait_for_url("**/console/**")
    console.locator('[data-role="console"]').wait_for()
    console.goto(f"{server.url}/console/#/case/{case_id}")
    check_viewer(console, photo_id, seen)

    from tests.resident_browser import Staff

    staff = Staff(server.url)
    try:
        staff.push("case.accept", {"id": case_id})
        staff.push("case.dispatch", {"id": case_id, "team": "BL-DY"})
    finally:
        staff.close()
    field = browser.new_context(**PHONE).new_page()
    device_sign_in(field, server)
    seen = photo_requests(field)
    field.goto(f"{server.url}/field/#/case/{case_id}")
    check_viewer(field, photo_id, seen)
