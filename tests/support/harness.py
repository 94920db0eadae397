"""Test-only pages next to the real app: ``/__test__/*`` serves ``tests/harness/``, everything else (lifespan
included) goes to the real app. The production server never serves these files.

``tests/harness/harness.html`` loads ``/sync/client/`` modules as the real apps will (under the same CSP,
no inline script) and exposes ``window.harness`` for ``page.evaluate``; it sets ``data-harness="ready"``
on ``<html>`` once loaded.
"""
from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from server.security import SecurityHeadersMiddleware

HARNESS_DIR = Path(__file__).resolve().parent.parent / "harness"
PREFIX = "/__test__"
HARNESS_URL = PREFIX + "/harness.html"


def with_harness(app: ASGIApp) -> ASGIApp:
    """``app`` plus the harness files under ``/__test__/``, with the real app's security headers."""
    files = SecurityHeadersMiddleware(StaticFiles(directory=HARNESS_DIR))

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(PREFIX + "/"):
            # Starlette strips root_path from path to find the file, as it does under a Mount.
            scope = {**scope, "root_path": scope.get("root_path", "") + PREFIX}
            await files(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch
