"""Statistics for dispatchers and admins: ``GET /api/stats`` (JSON) and ``GET /api/stats.csv`` (for Excel)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import stats
from server.auth import require_staff
from server.stats_report import report


async def stats_json(request: Request) -> JSONResponse:
    await require_staff(request, "dispatcher", "admin")
    result, _ = await report(request.app.state.db, request.app.state.config, request.query_params)
    return JSONResponse(result, headers={"Cache-Control": "no-store"})


async def stats_csv(request: Request) -> Response:
    await require_staff(request, "dispatcher", "admin")
    result, labels = await report(request.app.state.db, request.app.state.config, request.query_params)
    filename = f"mashangban-stats-{result['by']}-{result['from']}-{result['to']}.csv"
    return Response(stats.to_csv(result, labels).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


routes = [
    Route("/api/stats", stats_json),
    Route("/api/stats.csv", stats_csv),
]
