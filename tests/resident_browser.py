"""Helpers for the resident app's browser tests: filling in a report, staff acting through the sync API."""
from __future__ import annotations

import io
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Page

from tests.resident_support import hlc, jpeg_with_gps
from tests.support.databases import query

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CONSOLE_CLIENT = "c0ffee00c0ffee00c0ffee00c0ffee00"


def new_phone(browser: Any) -> BrowserContext:
    return browser.new_context(**PHONE)


def open_site(context: BrowserContext, url: str, code: str = "BL-TX-001") -> Page:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/s/{code}")
    page.wait_for_selector("[data-action=category]")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def wait_controlled(page: Page) -> None:
    """Until the service worker controls the page (only then does it answer offline)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def wait_offline_ready(page: Page) -> None:
    """Until the resident app's worker controls the page and holds the site and categories it showed."""
    wait_controlled(page)
    page.wait_for_selector("html[data-offline-ready=true]", state="attached", timeout=15_000)


def fill_report(page: Page, *, category: str = "facility", description: str = "天鑫路 3 号路灯不亮",
                photos: list[Path] | None = None, name: str = "", phone: str = "") -> None:
    page.click(f"[data-category={category}]")
    page.fill("[data-field=description]", description)
    if photos:
        page.set_input_files("[data-action=photo-input]", [str(p) for p in photos])
        page.wait_for_function("n => document.querySelectorAll('[data-region=photos] img').length === n", arg=len(photos))
    if name:
        page.fill("[data-field=name]", name)
    if phone:
        page.fill("[data-field=phone]", phone)


def submit_and_get_token(page: Page) -> str:
    page.click("[data-action=submit]")
    try:
        page.wait_for_selector("[data-view=receipt]", timeout=10_000)
    except Exception:
        print("NO RECEIPT:", page.url, page.content()[:3000], getattr(page, "errors", None))
        page.screenshot(path="/tmp/smoke/noreceipt.png", full_page=True)
        raise
    href = page.get_attribute("[data-action=track]", "href")
    assert href is not None and href.startswith("/t/")
    return href[3:]


def write_gps_jpeg(folder: Path, name: str = "street-light.jpg") -> Path:
    path = folder / name
    path.write_bytes(jpeg_with_gps())
    return path


def case_row(db: str, token: str) -> dict[str, Any] | None:
    rows = query(db, "SELECT * FROM cases WHERE track_token = ?", (token,))
    return rows[0] if rows else None


def wait_case(db: str, token: str, timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = case_row(db, token)
        if row is not None:
            return row
        time.sleep(0.1)
    raise AssertionError(f"no case with token {token} reached the server")


class Staff:
    """A signed-in dispatcher pushing mutations through the sync API, as the console does."""

    def __init__(self, url: str, username: str = "dispatcher", password: str = "demo1234") -> None:
        self.http = httpx.Client(base_url=url, headers={"Origin": url})
        r = self.http.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.client_id = uuid.uuid4().hex
        self.mid = 0

    def push(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        self.mid += 1
        r = self.http.post("/api/sync/push", json={"client_id": self.client_id, "mutations": [
            {"mid": self.mid, "name": name, "args": args, "hlc": hlc(self.mid)}]})
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()["results"][0]
        assert result["status"] == "applied", result
        return result

    def close(self) -> None:
        self.http.close()


def stored_photo(url: str, photo_id: str, token: str) -> bytes:
    r = httpx.get(f"{url}/api/photos/{photo_id}", params={"token": token})
    assert r.status_code == 200
    return r.content


def has_gps(jpeg: bytes) -> bool:
    from PIL import Image

    return bool(Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825))
