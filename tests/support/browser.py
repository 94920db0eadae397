"""Debian's Chromium under Playwright, launched the one way that works on these machines.

``playwright install`` cannot run here (no internet), so Playwright is pointed at ``/usr/bin/chromium``. Do not
use the pytest-playwright fixtures: they leave an event loop behind that breaks later asyncio tests; use
the ``browser`` fixture of ``tests/conftest.py``, or :func:`launch_persistent` for a profile on disk.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, BrowserType

CHROMIUM = os.environ.get("MASHANGBAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def launch_options(**extra: Any) -> dict[str, Any]:
    """Options for ``chromium.launch`` / ``launch_persistent_context``; the browser's caches go to a temp dir."""
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="mashangban-xdg-"))
    return {"executable_path": CHROMIUM, "headless": True, "args": ARGS, **extra}


def launch_persistent(browser_type: BrowserType, user_data_dir: Path) -> BrowserContext:
    """A Chromium whose profile (IndexedDB included) lives in ``user_data_dir``: close it and launch again
    with the same folder, and the page finds its data, as on a phone whose browser was closed.
    ``browser_type`` is ``playwright.chromium``, or ``browser.browser_type`` of the ``browser`` fixture (one
    Playwright per thread: a test cannot start a second one beside the fixture's)."""
    return browser_type.launch_persistent_context(str(user_data_dir), **launch_options())
