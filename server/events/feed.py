"""How committed events reach a process's hub, with one server process or several.

- :class:`DirectFeed` (SQLite: one process). The write path hands the notices of its commit straight to the hub.
- :class:`LogFeed` (PostgreSQL: several processes). A commit NOTIFYs only the new top ``seq``
  (``mashangban_events``); each process keeps one LISTEN connection and a reader task that, whenever it learns of
  a higher ``seq``, reads the events after the last one it published from the log and publishes them in ``seq``
  order. Its own commits poke it at once, without waiting for the notification to come back. When the LISTEN
  connection is lost, notifications sent meanwhile are gone, but the events are in the log: on reconnecting, the
  feed reads from its last ``seq`` to the log's head, so no stream misses an event or gets one twice.

Writers commit in ``seq`` order (one writer at a time, see ``server/storage/postgres.py``), so reading
``seq > last`` never skips an event that commits later.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping, Protocol, Sequence

from server.events.hub import Hub
from server.storage import Database, replay
from server.storage.db import EVENTS_CHANNEL
from sync.names import EVENTS

log = logging.getLogger(__name__)


class Feed(Protocol):
    def committed(self, notices: Sequence[Mapping[str, Any]]) -> None:
        """Events of this process's write just committed (call right after the commit, in commit order)."""

    def health(self) -> dict[str, Any]:
        """How the feed is doing, for ``/healthz``; ``ok`` False when live streams may be behind."""

    async def close(self) -> None: ...


class DirectFeed:
    """One process: its commits are the only ones, and go straight to its hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def committed(self, notices: Sequence[Mapping[str, Any]]) -> None:
        self.hub.publish(notices)

    def health(self) -> dict[str, Any]:
        return {"ok": True, "kind": "in-process", "last_seq": self.hub.last_seq}

    async def close(self) -> None:
        return None


class LogFeed:
    """Several processes: the hub is fed from the event log whenever any process commits."""

    def __init__(self, db: Database, hub: Hub, page: int = 500, retry_s: float = 0.05) -> None:
        self.db, self.hub, self.page, self.retry_s = db, hub, page, retry_s
        self.last = 0  # the highest seq published to the hub
        self.target = 0  # the highest seq known to be committed
        self.connected = False
        self.reconnects = 0
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> LogFeed:
        self.last = self.target = self.hub.last_seq = await replay.head(self.db)
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._read())]
        return self

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def committed(self, notices: Sequence[Mapping[str, Any]]) -> None:
        if notices:
            self.poke(max(int(n["seq"]) for n in notices))

    def poke(self, seq: int) -> None:
        """Some process committed events up to ``seq``."""
        if seq > self.target:
            self.target = seq
            self._wake.set()

    def health(self) -> dict[str, Any]:
        return {"ok": self.connected, "kind": "listen", "connected": self.connected, "last_seq": self.last,
                "reconnects": self.reconnects}

    async def _listen(self) -> None:
        async for message in self.db.listen(EVENTS_CHANNEL):
            if message is True:
                # (Re)connected: what was committed while no one listened is in the log, up to its head.
                self.connected = True
                self.poke(await self._head())
            elif message is False:
                self.connected = False
                self.reconnects += 1
            else:
                self.poke(int(message))

    async def _head(self) -> int:
        while True:
            try:
                return await replay.head(self.db)
            except Exception:
                log.exception("live feed: could not read the log's head; trying again")
                await asyncio.sleep(1)

    async def _read(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            misses = 0
            while self.last < self.target:
                if self.hub.idle:
                    # No stream to tell: skip the read. A stream that opens later reads the log's head after it
                    # subscribed, so it replays (or starts past) everything up to here.
                    self.last = self.hub.last_seq = self.target
                    break
                try:
                    rows = await replay.events_between(self.db, self.last, self.target, self.page)
                except Exception:
                    log.exception("live feed: could not read events after %s; trying again", self.last)
                    await asyncio.sleep(1)
                    continue
                if not rows:
                    # Told of a commit this reader does not see yet: look again shortly.
                    misses += 1
                    await asyncio.sleep(self.retry_s * min(misses, 20))
                    continue
                misses = 0
                self.hub.publish([dict(r) for r in rows if r["type"] in EVENTS])
                self.last = rows[-1]["seq"]
