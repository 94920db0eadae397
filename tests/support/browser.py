"""Debian's Chromium under Playwright, launched the one way that works on these machines."""
from __future__ import annotations

import os
import tempfile
from typing import Any

CHROMIUM = os.environ.get("MASHANGBAN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def launch_options(**extra: Any) -> dict[str, Any]:
    """Options for ``chromium.launch`` / ``launch_persistent_context``; the browser's caches go to a temp dir."""
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="mashangban-xdg-"))
    return {"executable_path": CHROMIUM, "headless": True, "args": ARGS, **extra}
