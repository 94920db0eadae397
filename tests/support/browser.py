"""Debian's Chromium under Playwright (sync API), launched the way this machine needs.

``playwright install`` cannot run here (no internet), so we point Playwright at ``/usr/bin/chromium``; the
browser gets its own HOME so it never reads or writes the user's profile and caches. Do not use the
pytest-playwright fixtures: they leave an event loop behind that breaks later asyncio tests::

    with sync_playwright() as p:
        browser = launch(p, tmp_path)
        page = browser.new_page()
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Playwright

EXECUTABLE = os.environ.get("MASHANGBAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config")}


def launch(playwright: Playwright, home: Path) -> Browser:
    """A headless Chromium whose HOME is ``home`` (give each test its own tmp_path)."""
    return playwright.chromium.launch(executable_path=EXECUTABLE, headless=True, args=ARGS, env=_env(home))


def launch_persistent(playwright: Playwright, user_data_dir: Path, home: Path | None = None) -> BrowserContext:
    """A headless Chromium context with a profile in ``user_data_dir`` that survives closing and relaunching
    (IndexedDB included), as a phone's browser does."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=EXECUTABLE, headless=True, args=ARGS,
        env=_env(home or user_data_dir.parent / "home"))


def launch_options(**extra: Any) -> dict[str, Any]:
    """Options for ``chromium.launch`` / ``launch_persistent_context``; the browser's caches go to a temp dir."""
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="mashangban-xdg-"))
    return {"executable_path": EXECUTABLE, "headless": True, "args": ARGS, **extra}
