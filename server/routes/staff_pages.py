"""Staff pages: ``/login`` and the dispatcher console shell ``/console/``; their ES modules are files under
``pwa/console/``, served with the other apps' files at ``/pwa/`` (``server/routes/pwa.py``)."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import staff_from_request
from server.pages import render_page

HOME_BY_ROLE = {"admin": "/console/", "dispatcher": "/console/", "field": "/field/"}
CONSOLE_ROLES = ("admin", "dispatcher")


def _unsafe(char: str) -> bool:
    # Browsers drop tabs and line breaks from URLs and read "\" as "/": "/\t/evil.example" becomes
    # "//evil.example", another site. Whitespace, control and format characters have no place in our paths.
    return char == "\\" or char.isspace() or unicodedata.category(char).startswith("C")


def safe_next(value: str | None) -> str:
    """``value`` when it is an absolute path on this site, else "" (``pwa/console/next.js`` is the same rule)."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return ""
    if any(_unsafe(c) for c in value):
        return ""
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else ""


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
