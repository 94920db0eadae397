"""The browser apps: ``/pwa/…`` and ``/sync/client/…`` files, the service worker, and the resident app shell.

Files are answered with a strong ETag (304 on a match), gzip when the browser takes it, and
``Cache-Control: no-cache`` — or a year, immutable, when the URL carries the file's hash as ``?v=``.
Only these files are compressed here: event streams never pass through this code, so they are never buffered.
"""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.assets import Asset, AssetStore
from server.errors import ApiError

IMMUTABLE = "public, max-age=31536000, immutable"
# A policy applies only to documents and workers; a module, style or image needs none beyond this one, and
# the page's full policy repeated on some forty files would cost a phone ~10 KB on its first visit.
SUBRESOURCE_CSP = {"Content-Security-Policy": "default-src 'none'"}
REVALIDATE = "no-cache"
SHELL = "resident/index.html"


def _store(request: Request) -> AssetStore:
    store = getattr(request.app.state, "assets", None)
    if store is None:
        store = request.app.state.assets = AssetStore()
    return store  # type: ignore[no-any-return]


def _etag_matches(request: Request, *etags: str) -> bool:
    header = request.headers.get("if-none-match", "")
    if header.strip() == "*":
        return True
    given = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return any(tag in given for tag in etags)


def asset_response(request: Request, asset: Asset, cache_control: str, extra: dict[str, str] | None = None) -> Response:
    """The file as the request wants it: 304, gzip or identity, with validators and caching headers."""
    use_gzip = asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    etag = asset.gzip_etag if use_gzip else asset.etag
    headers = {"ETag": etag, "Cache-Control": cache_control, **(extra or {})}
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if _etag_matches(request, asset.etag, asset.gzip_etag):
        return Response(status_code=304, headers=headers)
    body = asset.gzipped if use_gzip else asset.body
    assert body is not None
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=asset.media_type)
    return Response(body, headers=headers, media_type=asset.media_type)


async def static_file(request: Request) -> Response:
    store = _store(request)
    path = store.resolve(request.url.path)
    if path is None:
        raise ApiError(404, "not_found", "找不到该文件")
    asset = store.get(path)
    versioned = request.query_params.get("v") == asset.digest
    extra = None if asset.media_type.startswith("text/html") else SUBRESOURCE_CSP
    return asset_response(request, asset, IMMUTABLE if versioned else REVALIDATE, extra)


async def service_worker(request: Request) -> Response:
    store = _store(request)
    # Scope "/" so one worker serves /s/… and /t/…; it answers only its own files and those two pages.
    return asset_response(request, store.get(store.mounts["/pwa/"] / "sw.js"), REVALIDATE,
                          {"Service-Worker-Allowed": "/"})


async def precache_list(request: Request) -> Response:
    """The files the service worker precaches, as data it loads with importScripts.

    The worker itself is a static file; the browser compares imported scripts byte for byte when it checks
    for an update, so a changed app file (hence a changed list) installs a new worker and a new cache.
    """
    version, files = _store(request).precache()
    body = "self.PRECACHE = " + json.dumps({"version": version, "files": files}, separators=(",", ":")) + ";\n"
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": REVALIDATE, **SUBRESOURCE_CSP})


async def app_shell(request: Request) -> Response:
    """The resident app's one static HTML shell: the page reads the site code or track token from the URL."""
    store = _store(request)
    return asset_response(request, store.get(store.mounts["/pwa/"] / SHELL), REVALIDATE)


routes = [
    Route("/pwa/{path:path}", static_file, methods=["GET", "HEAD"]),
    Route("/sync/client/{path:path}", static_file, methods=["GET", "HEAD"]),
    Route("/sw.js", service_worker, methods=["GET", "HEAD"]),
    Route("/sw-precache.js", precache_list, methods=["GET", "HEAD"]),
    Route("/s/", app_shell, methods=["GET", "HEAD"]),
    Route("/t/{token}", app_shell, methods=["GET", "HEAD"]),
]
