"""Test-only pages next to the real app: ``/__test__/*`` serves ``tests/harness/``, everything else (lifespan
included) goes to the real app. The production server never serves these files.

``tests/harness/harness.html`` loads ``/sync/client/`` modules as the real apps will (under the same CSP,
no inline script) and exposes ``window.harness`` for ``page.evaluate``; it sets ``data-harness="ready"``
on ``<html>`` once loaded.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from playwright.sync_api import BrowserContext, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from server.routes.sync_client import CLIENT_DIR
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


_TYPES = {".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8"}


def serve_offline(context: BrowserContext, base_url: str) -> None:
    """Answer the harness page and the ``/sync/client/`` modules from disk, as an app's service worker answers
    from its cache, so that a page loads and reloads while ``context.set_offline(True)`` holds."""
    for prefix, folder in ((PREFIX, HARNESS_DIR), ("/sync/client", CLIENT_DIR)):
        context.route(f"{base_url}{prefix}/**", _from(folder, len(base_url + prefix) + 1))


def _from(folder: Path, skip: int) -> Callable[[Route], None]:
    def answer(route: Route) -> None:
        name = route.request.url.split("?")[0][skip:]
        file = folder / name
        if "/" in name or not file.is_file():
            route.fulfill(status=404)
        else:
            route.fulfill(body=file.read_bytes(), content_type=_TYPES.get(file.suffix, "text/plain"))

    return answer
