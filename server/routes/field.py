"""The field-staff app: its static shell at ``/field/``, its service worker ``/field/sw.js`` (scope ``/field/``)
and that worker's precache list ``/field/sw-precache.js``. The app's modules are files under ``pwa/field/``,
served with the other apps' files at ``/pwa/`` (``server/routes/pwa.py``).

The shell is the same for everyone and needs no session: the app signs the phone in itself (a device token
kept in IndexedDB) and must open offline from its worker's cache.
"""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.assets import FIELD_PRECACHE_GLOBS
from server.routes.pwa import REVALIDATE, SUBRESOURCE_CSP, _store, asset_response

SHELL = "field/index.html"
WORKER = "field/sw.js"


async def field_shell(request: Request) -> Response:
    store = _store(request)
    return asset_response(request, store.get(store.mounts["/pwa/"] / SHELL), REVALIDATE)


async def field_worker(request: Request) -> Response:
    store = _store(request)
    # Served from /field/ so that its default scope is the field app alone; the resident worker keeps "/".
    return asset_response(request, store.get(store.mounts["/pwa/"] / WORKER), REVALIDATE)


async def field_precache_list(request: Request) -> Response:
    """The field app's files to precache with their hashes, as data its worker loads with importScripts."""
    version, files = _store(request).precache(FIELD_PRECACHE_GLOBS)
    body = "self.PRECACHE = " + json.dumps({"version": version, "files": files}, separators=(",", ":")) + ";\n"
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": REVALIDATE, **SUBRESOURCE_CSP})


routes = [
    Route("/field/", field_shell, methods=["GET", "HEAD"]),
    Route("/field/sw.js", field_worker, methods=["GET", "HEAD"]),
    Route("/field/sw-precache.js", field_precache_list, methods=["GET", "HEAD"]),
]
