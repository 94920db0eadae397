"""Pages for people: Jinja2 templates with autoescaping, in Chinese first."""
from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

_env = Environment(
    loader=PackageLoader("server", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, context: dict[str, Any]) -> str:
    return _env.get_template(name).render(**context)


def render_page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    config = request.app.state.config
    html = render(name, {"subdistrict": config.subdistrict, "base_url": config.base_url, **context})
    return HTMLResponse(html, status_code=status_code)
