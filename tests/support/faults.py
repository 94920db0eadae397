"""Test-only ASGI middleware that breaks chosen requests on purpose, around the real app.

Wrap the app, then plan failures for a path; each planned fault is used up by one request, in order::

    faults = Faults(demo_app(db))
    faults.fail("/api/sync/push", times=2, status=500)  # answered here; the app never sees them
    faults.drop_reply("/api/sync/push", times=1)        # the app runs and commits; the client gets no body
    faults.hold("/api/sync/", seconds=0.2)              # every matching request takes at least this long
    faults.cut("/api/uploads/", after_bytes=100_000)    # the connection dies once the app has 100 KB of the body
    faults.clear()                                      # forget every plan not yet used

It also counts requests per path, the body bytes the app received per path (``body_bytes``), and the most
requests under ``/api/sync/`` in flight at once (``max_in_flight``), which shows whether two tabs really sync
one at a time.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import Counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SYNC_PREFIX = "/api/sync/"


class InjectedDisconnect(Exception):
    """Raised after the response headers went out, so the server closes the connection mid-reply."""


def _not_injected(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], InjectedDisconnect))


class Faults:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # uvicorn logs every exception from the app with its traceback; ours are planned, not news.
        logging.getLogger("uvicorn.error").addFilter(_not_injected)
        self._plans: dict[str, list[tuple[str, int]]] = {}
        self._holds: list[tuple[str, float]] = []
        self._cuts: list[list[Any]] = []  # [prefix, after_bytes, requests to let through first]
        self.cuts_made = 0  # connections actually cut
        self._lock = threading.Lock()  # plans are made in the test's thread, used in the server's
        self.calls: Counter[str] = Counter()
        self.body_bytes: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    def fail(self, path: str, times: int = 1, status: int = 500) -> None:
        """The next ``times`` requests to ``path`` get ``status`` with a JSON error; the app never sees them."""
        with self._lock:
            self._plans.setdefault(path, []).extend([("fail", status)] * times)

    def drop_reply(self, path: str, times: int = 1) -> None:
        """The next ``times`` requests to ``path`` run in the app (its transaction commits), then the connection
        closes after the status line and headers, before the body: the client cannot know what happened."""
        with self._lock:
            self._plans.setdefault(path, []).extend([("drop", 0)] * times)

    def hold(self, prefix: str, seconds: float) -> None:
        """Every request whose path starts with ``prefix`` takes at least ``seconds``."""
        with self._lock:
            self._holds.append((prefix, seconds))

    def cut(self, prefix: str, after_bytes: int, times: int = 1, skip: int = 0) -> None:
        """The next ``times`` requests with a body whose path starts with ``prefix`` (after letting ``skip`` of
        them through) lose their connection once the app has received ``after_bytes`` of the body, as when a phone
        loses its signal mid-upload: the app sees the client go away, the client sees a network error."""
        with self._lock:
            self._cuts.extend([[prefix, after_bytes, skip]] + [[prefix, after_bytes, 0] for _ in range(times - 1)])

    def clear(self) -> None:
        """Forget every planned failure, cut and hold not yet used."""
        with self._lock:
            self._plans.clear()
            self._holds.clear()
            self._cuts.clear()

    def _next(self, path: str) -> tuple[str, int] | None:
        with self._lock:
            self.calls[path] += 1
            plan = self._plans.get(path)
            return plan.pop(0) if plan else None

    def _next_cut(self, scope: Scope) -> int | None:
        headers = dict(scope["headers"])
        if headers.get(b"content-length", b"0") == b"0" and b"transfer-encoding" not in headers:
            return None
        with self._lock:
            for i, plan in enumerate(self._cuts):
                if scope["path"].startswith(plan[0]):
                    if plan[2] > 0:
                        plan[2] -= 1
                        return None
                    del self._cuts[i]
                    return int(plan[1])
        return None

    def _counting(self, path: str, receive: Receive, send: Send, cut_after: int | None) -> tuple[Receive, Send]:
        """``receive`` that counts the body bytes the app gets and cuts the connection after ``cut_after`` of them,
        and ``send``, whose messages the server drops once the connection is cut."""
        passed = 0
        cut = False

        async def counted() -> Message:
            nonlocal passed, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                if cut_after is not None and passed + len(body) >= cut_after:
                    body, cut = body[:cut_after - passed], True
                    self.cuts_made += 1
                    _abort_connection(receive)
                    message = {"type": "http.request", "body": body, "more_body": True}
                passed += len(body)
                self.body_bytes[path] += len(body)
            return message

        async def answer(message: Message) -> None:
            if cut:
                # Let the event loop tell the server that the connection is gone; it then drops the answer.
                await asyncio.sleep(0)
            await send(message)

        return counted, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        fault = self._next(path)
        sync = path.startswith(SYNC_PREFIX)
        if sync:
            self.in_flight += 1  # one event loop runs every request, so no lock is needed
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        receive, send = self._counting(path, receive, send, self._next_cut(scope))
        try:
            for prefix, seconds in self._holds:
                if path.startswith(prefix):
                    await asyncio.sleep(seconds)
            if fault is None:
                await self.app(scope, receive, send)
            elif fault[0] == "fail":
                await _json(send, fault[1], {"error": "internal", "message": "服务器内部错误，请稍后重试"})
            else:
                await self._drop(scope, receive, send)
        finally:
            if sync:
                self.in_flight -= 1

    async def _drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: list[Message] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.append(message)

        await self.app(scope, receive, keep)
        await send(start[0])
        raise InjectedDisconnect(f"reply to {scope['path']} dropped on purpose")


def _abort_connection(receive: Receive) -> None:
    """Close the client's TCP connection at once (uvicorn's ``receive`` is a method of the request's cycle, which
    holds the connection's transport)."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("Faults.cut needs the app served by uvicorn (tests/support/server.py serve)")
    transport.abort()


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
