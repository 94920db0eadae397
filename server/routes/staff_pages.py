"""Staff pages: ``/login`` and the dispatcher console shell ``/console/``; their ES modules are files under
``pwa/console/``, served with the other apps' files at ``/pwa/`` (``server/routes/pwa.py``)."""
from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import staff_from_request
from server.pages import render_page

HOME_BY_ROLE = {"admin": "/console/", "dispatcher": "/console/", "field": "/field/"}
CONSOLE_ROLES = ("admin", "dispatcher")


def safe_next(value: str | None) -> str:
    """A redirect target only when it is a path on this site (``//host`` or a full URL would leave it)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return ""


async def login_page(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    staff = await staff_from_request(request)
    if staff is not None and request.query_params.get("switch") is None:
        return RedirectResponse(next_path or HOME_BY_ROLE[staff.role], status_code=303)
    response = render_page(request, "login.html", {"title": "工作人员登录", "next": next_path})
    response.headers["Cache-Control"] = "no-store"
    return response


async def console_page(request: Request) -> Response:
    staff = await staff_from_request(request)
    if staff is None:
        return RedirectResponse("/login?next=" + quote(request.url.path, safe="/"), status_code=303)
    if staff.role not in CONSOLE_ROLES:
        return RedirectResponse(HOME_BY_ROLE[staff.role], status_code=303)
    response = render_page(request, "console.html", {"title": "调度台", "staff": staff})
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [
    Route("/login", login_page),
    Route("/console/", console_page),
]
