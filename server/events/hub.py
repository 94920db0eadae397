"""The in-process broker: fans each committed case event out to the live streams that want it.

``publish`` never waits. Each event is encoded once per view (staff, resident) and the same bytes are queued
for every matching subscriber. A subscriber's queue is bounded: one that falls ``queue_max`` frames behind is
cut loose (its stream ends) instead of being waited for; the client reconnects with Last-Event-ID and the
stream replays what it missed from the ``events`` log, so nothing is lost.

Across processes (DESIGN "Scale") this class stays as each process's local fan-out: a PostgreSQL
``LISTEN`` task per process feeds its hub's ``publish``, and the writers ``NOTIFY`` instead of calling the hub
directly. Code outside this package sees only :class:`Broker`.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Protocol

from server.events.frames import PING, Frame, View, check, encode, now_iso

logger = logging.getLogger(__name__)

_ALL = ("all", None)


@dataclass(frozen=True)
class Filter:
    """Which events a subscriber wants; None means any. Every field given must match."""

    site: str | None = None
    community: str | None = None
    team: str | None = None
    case_id: str | None = None

    def matches(self, event: Mapping[str, Any]) -> bool:
        return ((self.case_id is None or event.get("case_id") == self.case_id)
                and (self.team is None or event.get("team") == self.team)
                and (self.site is None or event.get("site") == self.site)
                and (self.community is None or event.get("community") == self.community))

    def bucket(self) -> tuple[str, str | None]:
        """The index key for this filter: its most selective field, so ``publish`` looks at few subscribers."""
        for name in ("case_id", "team", "site", "community"):
            value = getattr(self, name)
            if value is not None:
                return (name, value)
        return _ALL


class Subscription:
    """One stream's place in the hub: a bounded queue of frames and the wake-up for its writer."""

    __slots__ = ("filter", "view", "closed", "cut", "_hub", "_frames", "_waiter")

    def __init__(self, hub: Hub, filter: Filter, view: View) -> None:
        self.filter = filter
        self.view = view
        self.closed = False
        self.cut = False  # closed because it fell too far behind
        self._hub = hub
        self._frames: list[Frame] = []  # a list, not a deque: an empty deque costs 600 bytes per stream
        self._waiter: asyncio.Future[None] | None = None

    async def next(self) -> list[Frame]:
        """Every frame queued so far, waiting for one if none is; an empty list once the subscription is closed."""
        while not self._frames and not self.closed:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.closed:
            return []
        frames = self._frames.copy()
        self._frames.clear()
        return frames

    def close(self) -> None:
        """Leave the hub and wake the writer, whose ``next`` then answers ``[]``. Closing twice is harmless."""
        if self.closed:
            return
        self.closed = True
        self._frames.clear()
        self._hub._remove(self)
        self._wake()

    def _push(self, frame: Frame) -> bool:
        """Queue ``frame``; False (and nothing queued) when the queue is full."""
        if len(self._frames) >= self._hub.queue_max:
            return False
        self._frames.append(frame)
        self._wake()
        return True

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class Broker(Protocol):
    """What the rest of the server relies on; an in-process :class:`Hub` today, a LISTEN/NOTIFY feed later."""

    def publish(self, events: Iterable[Mapping[str, Any]]) -> None: ...

    def subscribe(self, filter: Filter, view: View) -> Subscription: ...


class Hub:
    """Fan-out of committed events to subscriptions, with a keep-alive ping for all of them every ``ping_s``.

    Use as ``async with Hub(...) as hub``: leaving the block ends every stream.
    """

    def __init__(self, queue_max: int, ping_s: float) -> None:
        if queue_max < 1 or ping_s <= 0:
            raise ValueError("queue_max must be at least 1 and ping_s above 0")
        self.queue_max = queue_max
        self.ping_s = ping_s
        self.cut_count = 0
        self.last_seq = 0
        self._buckets: dict[tuple[str, str | None], set[Subscription]] = {}
        self._pinger: asyncio.Task[None] | None = None
        self._closed = False

    async def __aenter__(self) -> Hub:
        self._pinger = asyncio.create_task(self._ping_forever())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop pinging and end every stream (the server is stopping); later subscriptions start closed."""
        self._closed = True
        if self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None
        for bucket in list(self._buckets.values()):
            for sub in list(bucket):
                sub.close()

    @property
    def idle(self) -> bool:
        """No stream is subscribed (cheaper than ``subscriber_count == 0``: empty buckets are dropped)."""
        return not self._buckets

    @property
    def subscriber_count(self) -> int:
        return sum(len(b) for b in self._buckets.values())

    def subscribe(self, filter: Filter, view: View) -> Subscription:
        """A new subscription: every event published from now on that ``filter`` matches and ``view`` shows."""
        sub = Subscription(self, filter, view)
        if self._closed:
            sub.closed = True
        else:
            self._buckets.setdefault(filter.bucket(), set()).add(sub)
        return sub

    def publish(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Queue committed events for their subscribers; never waits, cuts loose whoever is too far behind.

        Call it after the transaction commits, in commit (``seq``) order: a client that got seq 11 before seq 10
        and then lost its connection would resume after 11 and never get 10 (a late event is still delivered,
        and logged as a warning). An event committed but never published reaches live streams only on replay.
        Each event is a mapping with ``seq``, ``type``, ``case_id``, ``site``, ``community``, ``team``,
        ``status`` and optionally ``created_at`` (the hub stamps the current time when it is missing).
        """
        events = list(events)
        for event in events:
            check(event)  # all or nothing: a malformed batch reaches no stream
        too_slow: list[Subscription] = []
        stamp = None  # one clock reading for the call: its events were committed together, and strftime is slow
        for event in events:
            if event["seq"] <= self.last_seq:
                logger.warning("event %s published after %s: streams may skip it", event["seq"], self.last_seq)
            self.last_seq = max(self.last_seq, event["seq"])
            if event.get("created_at") is None:
                stamp = stamp or now_iso()
                event = {**event, "created_at": stamp}
            frames: dict[View, Frame] = {}
            for key in (_ALL, ("case_id", event.get("case_id")), ("team", event.get("team")),
                        ("site", event.get("site")), ("community", event.get("community"))):
                for sub in self._buckets.get(key, ()):
                    if sub.filter.matches(event) and sub.view.shows(event):
                        frame = frames.get(sub.view)
                        if frame is None:
                            frame = frames[sub.view] = encode(event, sub.view)
                        if not sub._push(frame):
                            too_slow.append(sub)
        self._cut(too_slow)

    def _cut(self, subs: list[Subscription]) -> None:
        for sub in subs:
            if not sub.closed:
                sub.cut = True
                sub.close()
                self.cut_count += 1

    def _remove(self, sub: Subscription) -> None:
        bucket = self._buckets.get(sub.filter.bucket())
        if bucket is not None:
            bucket.discard(sub)
            if not bucket:
                del self._buckets[sub.filter.bucket()]

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_s)
            too_slow = [sub for bucket in self._buckets.values() for sub in bucket if not sub._push(PING)]
            self._cut(too_slow)
