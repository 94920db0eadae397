"""Errors as values a person can act on: JSON for the API, a Chinese page for people."""
from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response


class ApiError(Exception):
    """An error the client can act on: ``{"error": code, "message": text}`` with an HTTP status."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


_HTTP_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限执行此操作"),
    404: ("not_found", "找不到该地址"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    429: ("rate_limited", "操作过于频繁，请稍后再试"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


async def api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", "请求失败"))
    if _wants_json(request):
        return JSONResponse({"error": code, "message": message}, status_code=exc.status_code, headers=exc.headers)
    from server.pages import render_page

    return render_page(request, "error.html", {"title": message, "message": message}, status_code=exc.status_code)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    message = "服务器内部错误，请稍后重试"
    if _wants_json(request):
        return JSONResponse({"error": "internal", "message": message}, status_code=500)
    from server.pages import render_page

    return render_page(request, "error.html", {"title": message, "message": message}, status_code=500)


async def client_gone_handler(request: Request, exc: Exception) -> Response:
    """The client hung up while sending its request (a phone losing its signal mid-upload): nothing to answer,
    and nothing went wrong on our side."""
    return Response(status_code=400)


EXCEPTION_HANDLERS = {
    ApiError: api_error_handler,
    ClientDisconnect: client_gone_handler,
    HTTPException: http_error_handler,
    Exception: server_error_handler,
}
