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
        wait = self.check(key, count)
        if wait == 0:
            self._buckets[key].tokens -= count
        return wait

    def check(self, key: str, count: int = 1) -> float:
        """Like :meth:`take`, without taking: 0 when ``count`` tokens are there, else the seconds until they are."""
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
    limiters: dict[str, RateLimiter] | None = getattr(request.app.state, "rate_limiters", None)
    if limiters is None:
        limiters = request.app.state.rate_limiters = {}
    found = limiters.get(name)
    if found is None:
        found = limiters[name] = RateLimiter(limit, window_s)
    return found


def enforce(request: Request, what: str, message: str, *, client_id: str | None, per_client: int,
            per_address: int | None, count: int = 1) -> None:
    """Refuse with 429, a Chinese message and ``Retry-After`` when ``client_id`` or the address is over its limit
    (``per_address`` None: no limit per address, for callers known by a key of their own)."""
    window_s = request.app.state.config.rate_window_minutes * 60
    buckets = []
    if per_address is not None:
        buckets.append((limiter(request, f"{what}:address", per_address, window_s), client_address(request),
                        per_address))
    if client_id:
        buckets.append((limiter(request, f"{what}:client", per_client, window_s), client_id, per_client))
    # A burst larger than a whole bucket (a phone that was offline for days) counts as one full bucket,
    # so it can go through once the bucket is full instead of never.
    wait = max((bucket.check(key, min(count, limit)) for bucket, key, limit in buckets), default=0.0)
    if wait == 0:
        for bucket, key, limit in buckets:
            bucket.take(key, min(count, limit))
    else:
        retry_after = max(1, math.ceil(wait))
        minutes = max(1, math.ceil(retry_after / 60))
        error = ApiError(429, "rate_limited", f"{message}，请 {minutes} 分钟后再试", retry_after=retry_after)
        error.headers["Retry-After"] = str(retry_after)
        raise error


async def limit_case_creates(request: Request, client_id: str, mutations: object) -> None:
    """Refuse a resident's push (429, nothing applied) when its new ``case.create`` mutations are over the limit.

    Only mutations past the client's watermark count, so resending a batch whose answer was lost costs nothing.
    """
    if not isinstance(mutations, list):
        return
    registered = await request.app.state.db.sync.client(client_id)
    last_mid = registered["last_mid"] if registered is not None else 0
    creates = sum(1 for m in mutations if isinstance(m, dict) and m.get("name") == "case.create"
                  and isinstance(m.get("mid"), int) and m["mid"] > last_mid)
    if creates:
        config = request.app.state.config
        enforce(request, "case", "提交诉求过于频繁", client_id=client_id, per_client=config.rate_cases_per_client,
                per_address=config.rate_cases_per_address, count=creates)
