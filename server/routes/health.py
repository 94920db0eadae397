"""``GET /healthz``: the process answers and the database reads."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def healthz(request: Request) -> JSONResponse:
    row = await request.app.state.db.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
    return JSONResponse({"status": "ok", "schema": row["v"] if row else None})


routes = [Route("/healthz", healthz)]
