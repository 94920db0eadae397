"""Helpers for the resident app's API tests: an app on a fresh database, driven in process by httpx."""
from __future__ import annotations

import io
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
from PIL import Image

from server import demo, settings
from server.app import create_app
from tests.support.databases import new_database


@asynccontextmanager
async def api_client(tmp_path: Path, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the app with demo data in a database under ``tmp_path``."""
    config = settings.load({}, database_url=new_database(tmp_path), sqlite_synchronous="NORMAL", **overrides)
    app = create_app(config)
    # httpx does not run the lifespan; run it here, so the app has its database, writer and event hub.
    async with app.router.lifespan_context(app):
        await demo.seed(app.state.db, config.demo_password)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


def jpeg_with_gps(size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A real JPEG whose EXIF carries a GPS position (and an orientation), as a phone camera writes it."""
    image = Image.new("RGB", size, (30, 120, 200))
    for x in range(0, size[0], 50):
        image.paste((250, 200, 0), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (22.0, 33.0, 44.0)
    gps[3] = "E"
    gps[4] = (114.0, 3.0, 5.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def minimal_pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def hlc(counter: int = 0) -> str:
    import time

    return f"{time.time_ns() // 1_000_000:013d}-{counter:04x}"


def create_mutation(mid: int, case_id: str, token: str, *, site: str = "BL-TX-001", photos: list[str] | None = None,
                    contact: dict[str, str] | None = None) -> dict[str, Any]:
    args: dict[str, Any] = {"id": case_id, "track_token": token, "site": site, "category": "facility",
                            "description": "路灯不亮"}
    if photos:
        args["photos"] = photos
    if contact:
        args["contact"] = contact
    return {"mid": mid, "name": "case.create", "args": args, "hlc": hlc(mid)}
