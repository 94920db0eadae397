"""server/routes/sync_client.py: the browser modules are served as JavaScript, and nothing else is."""
from __future__ import annotations

from pathlib import Path

import httpx

from server import settings
from server.app import create_app
from server.assets import served_js
from server.routes.sync_client import CLIENT_DIR
from tests.support.databases import new_database


async def test_every_module_is_served_as_javascript(tmp_path: Path) -> None:
    app = create_app(settings.load(environ={}, database_url=new_database(tmp_path, "t")))
    modules = sorted(p.name for p in CLIENT_DIR.glob("*.js"))
    assert {"index.js", "names.js", "hlc.js", "idb.js", "outbox.js", "syncer.js"} <= set(modules)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for name in modules:
            response = await client.get(f"/sync/client/{name}")
            assert response.status_code == 200, name
            assert response.headers["content-type"] == "application/javascript; charset=utf-8"
            assert response.headers["cache-control"] == "no-cache"
            # A module needs no page policy; it gets the smallest one (see server/routes/pwa.py).
            assert response.headers["content-security-policy"] == "default-src 'none'"
            # Served without whole-line comments (see server/assets.py), otherwise as written.
            assert response.content == served_js((CLIENT_DIR / name).read_bytes())
        assert (await client.get("/sync/client/missing.js")).status_code == 404
        assert (await client.get("/sync/client/%2e%2e/names.py")).status_code == 404
