"""Who holds the open event streams: at most so many per address, and a staff stream lasts as long as its sign-in.

Each stream takes a place for its address when it opens and gives it back when it ends; past the cap the stream
is refused with 429 (one address once held 3,000 tracking streams). A staff stream also records the sign-in it
was opened with (session or device token, and user): signing out, revoking the device, disabling the user or
changing their role, team or password ends it at once (:meth:`StreamGate.revoke`). While it stays open it checks
its sign-in again every ``sse_sign_in_check_s`` as frames and pings pass, which catches what this process was
not told: ``mashangban user disable`` from another process, a session or device token that expired.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Awaitable, Callable

from starlette.datastructures import State

from server.events.hub import Subscription


@dataclass(frozen=True)
class SignIn:
    """The sign-in behind a staff stream: the user, and the session (its token digest) or device it came with."""

    user_id: int
    session: str | None = None
    device_id: int | None = None


class StreamGate:
    """The application's open streams, counted per (kind of stream, address), and staff streams by sign-in."""

    def __init__(self) -> None:
        self._open: Counter[tuple[str, str]] = Counter()
        self._staff: dict[Subscription, SignIn] = {}

    def open_count(self, kind: str, address: str) -> int:
        return self._open[(kind, address)]

    def guard(self, kind: str, address: str, cap: int, sign_in: SignIn | None = None,
              check: Callable[[], Awaitable[bool]] | None = None, every_s: float = 30.0) -> "Guard":
        """A guard for one stream about to open (see :class:`server.events.stream.EventStream`)."""
        return Guard(self, kind, address, cap, sign_in, check, every_s)

    def revoke(self, *, user_id: int | None = None, session: str | None = None,
               device_id: int | None = None) -> int:
        """End the staff streams of this user, session or device; returns how many were ended."""
        ended = [sub for sub, s in self._staff.items()
                 if (user_id is not None and s.user_id == user_id) or (session is not None and s.session == session)
                 or (device_id is not None and s.device_id == device_id)]
        for sub in ended:
            sub.close()
        return len(ended)


class Guard:
    """One stream's place: taken by :meth:`enter` before anything is sent, given back by :meth:`leave`."""

    def __init__(self, gate: StreamGate, kind: str, address: str, cap: int, sign_in: SignIn | None,
                 check: Callable[[], Awaitable[bool]] | None, every_s: float) -> None:
        self.gate, self.key, self.cap, self.sign_in = gate, (kind, address), cap, sign_in
        self._check, self._every_s, self._checked = check, every_s, time.monotonic()
        self._entered = False

    def enter(self, sub: Subscription) -> bool:
        """Take a place for ``sub``; False when the address already holds ``cap`` streams of this kind."""
        # No await between the count and the increment: two streams opening at once cannot both take the last place.
        if self.gate._open[self.key] >= self.cap:
            return False
        self.gate._open[self.key] += 1
        if self.sign_in is not None:
            self.gate._staff[sub] = self.sign_in
        self._entered = True
        return True

    def leave(self, sub: Subscription) -> None:
        if not self._entered:
            return
        self._entered = False
        self.gate._open[self.key] -= 1
        if self.gate._open[self.key] <= 0:
            del self.gate._open[self.key]
        self.gate._staff.pop(sub, None)

    async def still_valid(self) -> bool:
        """Whether the stream may go on: its sign-in, checked again at most every ``every_s`` seconds."""
        if self._check is None or time.monotonic() - self._checked < self._every_s:
            return True
        self._checked = time.monotonic()
        return await self._check()


def stream_gate(state: State) -> StreamGate:
    """The application's :class:`StreamGate`."""
    gate: StreamGate | None = getattr(state, "stream_gate", None)
    if gate is None:
        gate = state.stream_gate = StreamGate()
    return gate
