"""A server-sent-events reader for tests, over a real HTTP connection (httpx streaming)."""
from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import httpx


@dataclass
class Event:
    id: int
    event: str
    data: dict[str, Any]


@dataclass
class Stream:
    """What a client has seen: events, its Last-Event-ID (as a browser keeps it), and comment lines."""

    response: httpx.Response
    last_id: int | None = None
    comments: list[str] = field(default_factory=list)
    ended: bool = False

    def __post_init__(self) -> None:
        self._lines = self.response.aiter_lines()

    async def next(self, timeout: float = 5) -> Event:
        """The next event, following the SSE rules: ``id:`` alone moves ``last_id`` without an event."""
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> Event:
        fields: dict[str, str] = {}
        async for line in self._lines:
            if line.startswith(":"):
                self.comments.append(line)
            elif line:
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
            elif fields:
                if "id" in fields:
                    self.last_id = int(fields["id"])
                if "data" in fields:
                    return Event(int(fields["id"]), fields.get("event", "message"), json.loads(fields["data"]))
                fields = {}
        self.ended = True
        raise EOFError("the stream ended")

    async def events(self, count: int, timeout: float = 5) -> list[Event]:
        return [await self.next(timeout) for _ in range(count)]


@asynccontextmanager
async def open_stream(client: httpx.AsyncClient, path: str, last_id: int | None = None) -> AsyncIterator[Stream]:
    """GET ``path`` as an event stream (sending ``Last-Event-ID`` when given); fails unless it answers 200."""
    headers = {"Accept": "text/event-stream"}
    if last_id is not None:
        headers["Last-Event-ID"] = str(last_id)
    async with client.stream("GET", path, headers=headers) as response:
        if response.status_code != 200:
            await response.aread()
            raise AssertionError(f"{path} answered {response.status_code}: {response.text}")
        yield Stream(response)
