"""A few tus 1.0.0 requests by hand, for tests that check the server's every answer (``httpx`` clients)."""
from __future__ import annotations

import base64
import io
from typing import Any

import httpx
from PIL import Image

TUS = {"Tus-Resumable": "1.0.0"}
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


async def create(client: httpx.AsyncClient, length: int, kind: str = "photo", **headers: str) -> httpx.Response:
    return await client.post("/api/uploads/", headers={**TUS, "Upload-Length": str(length),
                                                       "Upload-Metadata": metadata(kind=kind), **headers})


async def created(client: httpx.AsyncClient, length: int, **headers: str) -> str:
    """The URL path of a new photo upload of ``length`` bytes."""
    response = await create(client, length, **headers)
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


async def patch(client: httpx.AsyncClient, url: str, offset: int, data: bytes, **headers: str) -> httpx.Response:
    return await client.patch(url, content=data, headers={**PATCH, "Upload-Offset": str(offset), **headers})


async def upload(client: httpx.AsyncClient, data: bytes, chunk: int = 256 * 1024, **headers: str) -> httpx.Response:
    """Upload ``data`` in chunks; the answer to the last PATCH."""
    url = await created(client, len(data), **headers)
    offset, response = 0, None
    while offset < len(data):
        response = await patch(client, url, offset, data[offset:offset + chunk], **headers)
        if response.status_code != 204:
            return response
        offset = int(response.headers["upload-offset"])
    assert response is not None
    return response


def noisy_png(size: tuple[int, int] = (800, 600), **pnginfo: Any) -> bytes:
    """A PNG of noise (it compresses badly, so it is many bytes)."""
    image = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", **pnginfo)
    return out.getvalue()
