"""``GET /healthz``: the process answers, the database reads, and live events reach this process.

200 with ``status: ok`` when all is well, 503 with ``status: degraded`` when the database does not answer or (with
several processes on PostgreSQL) this process's LISTEN connection is down, so its live streams lag until it is
back. A load balancer takes the 503 as "send no one here"."""
from __future__ import annotations

import logging
import os

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    db = state.db
    schema = None
    try:
        schema = await db.schema_version()
        database = {"ok": True, "backend": db.backend, "schema": schema}
    except Exception as error:
        log.warning("health check: the database did not answer: %s", error)
        database = {"ok": False, "backend": db.backend, "error": type(error).__name__}
    listener = state.feed.health()
    ok = database["ok"] and listener["ok"]
    return JSONResponse({"status": "ok" if ok else "degraded", "schema": schema, "database": database,
                         "listener": listener, "pid": os.getpid()},
                        status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})


routes = [Route("/healthz", healthz)]
