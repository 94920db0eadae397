"""The browser side of the sync queue (``sync/client/*.js``), served at ``/sync/client/`` for every front end."""
from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

import sync

CLIENT_DIR = Path(sync.__file__).resolve().parent / "client"


class _Modules(StaticFiles):
    """ES modules with one explicit type (the platform's ``mimetypes`` table varies by OS), revalidated on
    every load so that a fixed bug reaches phones with the next page load, not when a cache expires."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["content-type"] = "application/javascript; charset=utf-8"
        response.headers["cache-control"] = "no-cache"
        return response


routes = [Mount("/sync/client", app=_Modules(directory=CLIENT_DIR), name="sync_client")]
