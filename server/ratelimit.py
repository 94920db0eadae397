"""Rate limits on public writes: a token bucket per (kind of write, client id or address).

A bucket holds ``limit`` tokens and refills at ``limit`` per ``window_s``: a burst up to the limit is
allowed, then one write per ``window_s / limit``. Buckets live in memory; a restart forgets them, which
only ever lets a few more writes through.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from starlette.requests import Request

from server.errors import ApiError

_MAX_KEYS = 50_000


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    limit: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, Bucket] = field(default_factory=dict)

    def take(self, key: str, count: int = 1) -> float:
        """Take ``count`` tokens for ``key``: 0 when allowed, else the seconds until they would be."""
        now = self.clock()
        rate = self.limit / self.window_s
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_KEYS:
                self._forget_full(now, rate)
            bucket = self._buckets[key] = Bucket(float(self.limit), now)
        bucket.tokens = min(float(self.limit), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= count:
            bucket.tokens -= count
            return 0.0
        return (count - bucket.tokens) / rate

    def _forget_full(self, now: float, rate: float) -> None:
        # A bucket that has refilled is the same as no bucket: dropping it keeps memory bounded.
        for key in [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * rate >= self.limit]:
            del self._buckets[key]


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def limiter(request: Request, name: str, limit: int, window_s: float) -> RateLimiter:
    """The application's limiter called ``name`` (made on first use with the settings in force)."""
    limiters: dict[str, RateLimiter] = request.app.state.__dict__.setdefault("rate_limiters", {})
    found = limiters.get(name)
    if found is None:
        found = limiters[name] = RateLimiter(limit, window_s)
    return found


def enforce(request: Request, what: str, message: str, *, client_id: str | None, per_client: int,
            per_address: int, count: int = 1) -> None:
    """Refuse with 429, a Chinese message and ``Retry-After`` when ``client_id`` or the address is over its limit."""
    window_s = request.app.state.config.rate_window_minutes * 60
    waits = [limiter(request, f"{what}:address", per_address, window_s).take(client_address(request), count)]
    if client_id:
        waits.append(limiter(request, f"{what}:client", per_client, window_s).take(client_id, count))
    wait = max(waits)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        minutes = max(1, math.ceil(retry_after / 60))
        error = ApiError(429, "rate_limited", f"{message}，请 {minutes} 分钟后再试", retry_after=retry_after)
        error.headers["Retry-After"] = str(retry_after)
        raise error
