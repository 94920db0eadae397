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

from starlette.datastructures import State
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

    def give_back(self, key: str, count: int = 1) -> None:
        """Return ``count`` tokens taken for ``key`` (what they paid for did not count against it)."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(float(self.limit), bucket.tokens + count)

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
    """The address a request came from; a proxy's ``X-Forwarded-For`` counts only from a ``trusted_proxies``
    address (uvicorn applies it, see :func:`proxy_options`)."""
    return request.client.host if request.client is not None else "unknown"


def proxy_options(trusted_proxies: str) -> dict[str, object]:
    """uvicorn's options for the ``trusted_proxies`` setting. By default uvicorn believes ``X-Forwarded-For`` from
    127.0.0.1, so anyone on the host, or any local proxy that passes the header on, could give each request a new
    address and slip past every per-address limit; with no proxy named, the header is not read at all."""
    trusted = ",".join(p.strip() for p in trusted_proxies.split(",") if p.strip())
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def limiters(state: State) -> dict[str, RateLimiter]:
    """The application's limiters by name."""
    found: dict[str, RateLimiter] | None = getattr(state, "rate_limiters", None)
    if found is None:
        found = state.rate_limiters = {}
    return found


def limiter(request: Request, name: str, limit: int, window_s: float) -> RateLimiter:
    """The application's limiter called ``name`` (made on first use with the settings in force)."""
    by_name = limiters(request.app.state)
    found = by_name.get(name)
    if found is None:
        found = by_name[name] = RateLimiter(limit, window_s)
    return found


@dataclass(frozen=True)
class Demand:
    """Writes of one kind that a request would make: ``count`` of them, limited per client id and per address."""

    what: str
    message: str  # Chinese, "… 过于频繁"
    per_client: int
    per_address: int | None  # None: no limit per address (a caller known by a key of its own)
    count: int = 1


def demand(request: Request, client_id: str | None, demands: list[Demand]) -> None:
    """Take every demand's tokens from its buckets, or none at all: 429 with a Chinese message and ``Retry-After``
    when any bucket is short, 413 when a demand is larger than a whole bucket (it could never pass; a client that
    sends it in smaller parts gets through)."""
    window_s = request.app.state.config.rate_window_minutes * 60
    buckets: list[tuple[RateLimiter, str, Demand]] = []
    for d in demands:
        if d.count <= 0:
            continue
        sides: list[tuple[RateLimiter, str]] = []
        if d.per_address is not None:
            sides.append((limiter(request, f"{d.what}:address", d.per_address, window_s), client_address(request)))
        if client_id:
            sides.append((limiter(request, f"{d.what}:client", d.per_client, window_s), client_id))
        for bucket, key in sides:
            if d.count > max(bucket.limit, 1):
                raise ApiError(413, "too_large", f"一次提交的内容过多（最多 {bucket.limit} 条），请分批提交")
            buckets.append((bucket, key, d))
    waits = [(bucket.check(key, d.count), d) for bucket, key, d in buckets]
    wait, worst = max(waits, key=lambda w: w[0], default=(0.0, None))
    if wait > 0 and worst is not None:
        retry_after = max(1, math.ceil(wait))
        minutes = max(1, math.ceil(retry_after / 60))
        error = ApiError(429, "rate_limited", f"{worst.message}，请 {minutes} 分钟后再试", retry_after=retry_after)
        error.headers["Retry-After"] = str(retry_after)
        raise error
    for bucket, key, d in buckets:
        bucket.take(key, d.count)


def enforce(request: Request, what: str, message: str, *, client_id: str | None, per_client: int,
            per_address: int | None, count: int = 1) -> None:
    """Refuse with 429, a Chinese message and ``Retry-After`` when ``client_id`` or the address is over its limit
    (``per_address`` None: no limit per address, for callers known by a key of their own)."""
    demand(request, client_id, [Demand(what, message, per_client, per_address, count)])


async def limit_resident_push(request: Request, client_id: str, mutations: object) -> None:
    """Refuse a resident's push (nothing applied) when its writes are over their limits: new cases, and every other
    write (notes, ratings, withdrawals…) apart. A client id the server has never seen may bring at most
    ``rate_new_client_cases`` new cases in one push (413: its browser sends them in smaller parts).

    Only mutations past the client's watermark count, so resending a batch whose answer was lost costs nothing.
    """
    from sync import store
    from sync.names import M

    if not isinstance(mutations, list):
        return
    config = request.app.state.config
    registered = await store.client(request.app.state.db, client_id)
    last_mid = registered["last_mid"] if registered is not None else 0
    new = [m for m in mutations if isinstance(m, dict) and isinstance(m.get("mid"), int) and m["mid"] > last_mid]
    creates = sum(1 for m in new if m.get("name") == M.create)
    if registered is None and creates > config.rate_new_client_cases:
        raise ApiError(413, "too_large", f"新设备一次最多提交 {config.rate_new_client_cases} 条诉求，请分批提交")
    demand(request, client_id, [
        Demand("case", "提交诉求过于频繁", config.rate_cases_per_client, config.rate_cases_per_address, creates),
        Demand("write", "操作过于频繁", config.rate_writes_per_client, config.rate_writes_per_address,
               len(new) - creates),
    ])
