"""At most N image decodes at once: a decoded 40-megapixel PNG holds ~160 MB, so eight at once would take the
server past 1 GB. Work past the limit waits its turn (in arrival order) instead of failing."""
from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

T = TypeVar("T")


class DecodeGate:
    """A semaphore around decodes that also says how many run and how many wait (for tests and operators)."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("media_max_decodes must be at least 1")
        self.limit = limit
        self.running = 0
        self.waiting = 0
        self._slots = asyncio.Semaphore(limit)

    async def run(self, work: Callable[[], T]) -> T:
        """Run ``work()`` on a worker thread once a slot is free; returns what it returns."""
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            return await asyncio.to_thread(work)
        finally:
            self.running -= 1
            self._slots.release()

    async def hold(self) -> None:
        """Take one slot without decoding (tests hold every slot to show that the next decode waits)."""
        await self._slots.acquire()

    def release(self) -> None:
        """Give back a slot taken with :meth:`hold`."""
        self._slots.release()
