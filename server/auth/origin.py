"""The Origin check: a state-changing request that carries the session cookie must come from our own pages."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from server.auth.tokens import SESSION_COOKIE

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
OPEN_API = "/open311/"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class OriginCheckMiddleware:
    """Refuses cross-site writes (CSRF). Bearer-token requests carry no ambient credential and pass."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.base_origin = _origin_of(base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Open311 clients authenticate with the api_key in the body and never with our cookie: a POST from a
        # civic web app on another origin is what the interface is for.
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS and not scope["path"].startswith(OPEN_API):
            headers = Headers(scope=scope)
            has_cookie = SESSION_COOKIE in headers.get("cookie", "")
            origin = headers.get("origin")
            if origin is None and headers.get("referer"):
                origin = _origin_of(headers["referer"])
            if (has_cookie or origin is not None) and not self._allowed(scope, headers, origin):
                await _refuse(send)
                return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope, headers: Headers, origin: str | None) -> bool:
        if origin is None:
            return False
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        return origin.lower() in {own, self.base_origin}


async def _refuse(send: Send) -> None:
    body = json.dumps({"error": "bad_origin", "message": "请求来源不被允许（跨站请求已拒绝）"},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
