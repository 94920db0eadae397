"""One event stream as a plain ASGI response: replay what the client missed from the log, then follow live.

Written for memory, not on sse-starlette: a stream is this object, a subscription and one small task that
watches for the client leaving. Keep-alive pings come from the hub (one timer for all streams), and frames
arrive already encoded, so following live is "join the queued bytes and send them". ``bench/sse.py``
measures it beside sse-starlette.
"""
from __future__ import annotations

import asyncio
import json

from starlette.types import Receive, Scope, Send

from server.events.frames import View, encode, position
from server.events.gate import Guard
from server.events.hub import Broker, Filter, Subscription
from server.storage import Database, replay

_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx would otherwise buffer the stream
]


class EventStream:
    """The response to an event-stream request; ``after`` is the client's Last-Event-ID, None when it has none.
    A ``guard`` (``server.events.gate``) holds the stream's place for its address and may end it early."""

    def __init__(self, hub: Broker, db: Database, filter: Filter, view: View, after: int | None,
                 replay_page: int, guard: Guard | None = None) -> None:
        self.hub = hub
        self.db = db
        self.filter = filter
        self.view = view
        self.after = after
        self.replay_page = replay_page
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "HEAD":
            await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        # Subscribe before reading the log: an event committed after the read is then already queued, so
        # none falls between the replay and the live part; the live part skips what the replay has sent.
        sub = self.hub.subscribe(self.filter, self.view)
        if self.guard is not None and not self.guard.enter(sub):
            sub.close()
            await _too_many(send)
            return
        watcher = asyncio.create_task(_close_on_disconnect(receive, sub))
        try:
            # The newest seq is read before the answer starts: a client holding the 200 gets every event
            # committed after it, even when it opened the stream without a position.
            newest = await replay.head(self.db)
            await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
            sent = await self._replay(send, sub, newest)
            while frames := await sub.next():
                if self.guard is not None and not await self.guard.still_valid():
                    break
                chunk = b"".join(f.data for f in frames if f.seq is None or f.seq > sent)
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            sub.close()
            watcher.cancel()
            if self.guard is not None:
                self.guard.leave(sub)

    async def _replay(self, send: Send, sub: Subscription, newest: int) -> int:
        """Send the events after ``self.after``, page by page; returns the last ``seq`` the client now has."""
        if self.after is None or self.after > newest:
            # A new client, or one whose position this log never reached (a database reset): start from now.
            await send({"type": "http.response.body", "body": position(newest).data, "more_body": True})
            return newest
        sent = self.after
        f = self.filter
        while not sub.closed:
            rows = await replay.events_after(self.db, sent, self.replay_page, sorted(self.view.types), site=f.site,
                                             community=f.community, team=f.team, case_id=f.case_id)
            if rows:
                chunk = b"".join(encode(dict(row), self.view).data for row in rows)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent = rows[-1]["seq"]
            if len(rows) < self.replay_page:
                break
        return sent


async def _too_many(send: Send) -> None:
    body = json.dumps({"error": "too_many_streams", "message": "此网络打开的实时连接过多，请关闭一些页面后再试"},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"30")]})
    await send({"type": "http.response.body", "body": body})


async def _close_on_disconnect(receive: Receive, sub: Subscription) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    sub.close()
