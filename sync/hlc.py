"""The hybrid logical clock: wall-clock milliseconds plus a counter, written so that strings sort as clocks compare.

``1795000000000-0003`` is 13 decimal digits of milliseconds since the Unix epoch, a dash, and the counter in 4
lowercase hex digits. Both parts are fixed width, so comparing the strings compares the clocks; the counter
orders events within one millisecond and lets a clock move forward while the wall clock stands still or goes back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"\d{13}-[0-9a-f]{4}")
MAX_MS = 10**13 - 1
MAX_COUNTER = 0xFFFF


class HlcError(ValueError):
    """A string that is not an HLC in the ``1795000000000-0003`` format."""


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    """One reading of a hybrid logical clock; instances compare as their strings sort."""

    ms: int
    counter: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.ms <= MAX_MS and 0 <= self.counter <= MAX_COUNTER):
            raise HlcError(f"HLC out of range: {self.ms}, {self.counter}")

    def __str__(self) -> str:
        return f"{self.ms:013d}-{self.counter:04x}"


ZERO = Hlc(0, 0)


def parse(text: object) -> Hlc:
    """The :class:`Hlc` written as ``text``; raises :class:`HlcError` for anything else."""
    if not isinstance(text, str) or not _PATTERN.fullmatch(text):
        raise HlcError(f"not an HLC: {text!r}"[:80])
    return Hlc(int(text[:13]), int(text[14:], 16))


def _at(ms: int, counter: int) -> Hlc:
    # A counter past 0xFFFF borrows the next millisecond: the clock runs 1 ms ahead rather than repeat a value.
    return Hlc(ms + 1, 0) if counter > MAX_COUNTER else Hlc(ms, counter)


class Clock:
    """A hybrid logical clock: every reading it gives is greater than every reading it has given or received."""

    def __init__(self, last: Hlc = ZERO) -> None:
        self.last = last

    def tick(self, now_ms: int) -> Hlc:
        """A reading for a local event (or a message about to be sent) at wall-clock time ``now_ms``."""
        if now_ms > self.last.ms:
            self.last = Hlc(now_ms, 0)
        else:
            self.last = _at(self.last.ms, self.last.counter + 1)
        return self.last

    def receive(self, remote: Hlc, now_ms: int) -> Hlc:
        """Merge a reading from another clock, so what happens here next sorts after what happened there."""
        last = self.last
        ms = max(last.ms, remote.ms, now_ms)
        if ms == last.ms == remote.ms:
            counter = max(last.counter, remote.counter) + 1
        elif ms == last.ms:
            counter = last.counter + 1
        elif ms == remote.ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self.last = _at(ms, counter)
        return self.last


def clamp(remote: Hlc, now_ms: int, max_drift_ms: int, last: Hlc) -> Hlc:
    """``remote`` if it is at most ``max_drift_ms`` ahead of ``now_ms``; otherwise the server's own reading.

    A clock far in the future would win every last-writer-wins comparison until the world caught up with it, so
    such a reading is replaced by ``Clock(last).tick(now_ms)``, where ``last`` is the latest reading the server
    accepted from the same client: the result is not ahead of the server's clock (beyond counters), and it still
    sorts after everything that client sent before, so the client's own order of writes is kept.
    """
    if remote.ms - now_ms <= max_drift_ms:
        return remote
    return Clock(last).tick(now_ms)
