"""QR images (``/qr/{code}.svg|.png``) and the short URL they encode (``/s/{code}``, the resident app's shell)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import qr
from server.pages import render_page
from server.routes.pwa import app_shell
from server.storage import reference


async def _active_site_or_page(request: Request, code: str):  # type: ignore[no-untyped-def]
    """The active site, or a Chinese 404 page that tells a person where to go instead."""
    db = request.app.state.db
    row = await reference.get_site(db, code)
    if row is not None and row["active"]:
        return row, None
    replacement = None
    if row is not None and row["replaced_by"]:
        replacement = await reference.get_site(db, row["replaced_by"])
        if replacement is not None and not replacement["active"]:
            replacement = None
    page = render_page(
        request, "site_missing.html",
        {"title": "二维码已停用" if row is not None else "找不到该站点", "code": code, "site": row,
         "replacement": replacement},
        status_code=404,
    )
    return None, page


async def qr_image(request: Request) -> Response:
    code, fmt = request.path_params["code"], request.path_params["fmt"]
    site, missing = await _active_site_or_page(request, code)
    if missing is not None:
        return missing
    url = qr.site_url(request.app.state.config.base_url, site["code"])
    if fmt == "svg":
        return Response(qr.svg(url), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})
    if fmt == "png":
        return Response(qr.png(url), media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})
    return render_page(request, "error.html", {"title": "不支持的格式", "message": "二维码只提供 .svg 和 .png 两种格式"},
                       status_code=404)


async def site_entry(request: Request) -> Response:
    site, missing = await _active_site_or_page(request, request.path_params["code"])
    if missing is not None:
        return missing
    return await app_shell(request)


routes = [
    Route("/qr/{code}.{fmt}", qr_image),
    Route("/s/{code}", site_entry),
]
