"""Printable A4 posters: ``/posters/{code}`` for one site, ``/posters?community=…`` for many."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import qr
from server.pages import render_page
from server.routes.qr import _active_site_or_page
from server.storage import reference


async def _render(request: Request, sites: list) -> Response:  # type: ignore[type-arg]
    base_url = request.app.state.config.base_url
    categories = await reference.list_categories(request.app.state.db)
    posters = [{"site": s, "url": qr.site_url(base_url, s["code"])} for s in sites]
    title = posters[0]["site"]["name"] + " 海报" if len(posters) == 1 else f"站点海报（{len(posters)} 张）"
    return render_page(request, "poster.html", {"title": title, "posters": posters, "categories": categories})


async def poster_one(request: Request) -> Response:
    site, missing = await _active_site_or_page(request, request.path_params["code"])
    if missing is not None:
        return missing
    return await _render(request, [site])


async def poster_many(request: Request) -> Response:
    community = request.query_params.get("community")
    sites = await reference.list_sites(request.app.state.db, community=community or None)
    if not sites:
        message = f"社区“{community}”没有启用的站点" if community else "还没有启用的站点"
        return render_page(request, "error.html", {"title": "没有可打印的海报", "message": message}, status_code=404)
    return await _render(request, sites)


routes = [
    Route("/posters", poster_many),
    Route("/posters/{code}", poster_one),
]
