"""Rate limits on public writes: a token bucket per (kind of write, client id or address).

A bucket holds ``limit`` tokens and refills at ``limit`` per ``window_s``: a burst up to the limit is allowed,
then one write per ``window_s / limit``. Buckets live in the database (``server/storage/rate_buckets.py``), so every
worker counts against the same ones; a bucket that has refilled is forgotten. A push is counted inside its own
write transaction (where the client's watermark is exact, and a refused push takes nothing); other writes take
their tokens in a small write of their own, in the group commit.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from starlette.requests import Request

from server.errors import ApiError
from server.storage import Tx, rate_buckets
from server.storage.engine import watermark

_SWEEP_EVERY = 500  # checks between deletions of the buckets that have refilled


@dataclass(frozen=True)
class Want:
    """``count`` tokens from the bucket ``key``, which holds ``limit`` and refills them over ``window_s``."""

    key: str
    limit: int
    window_s: float
    count: int = 1

    def level(self, stored: tuple[float, int] | None, now_ms: int) -> float:
        """The tokens in the bucket at ``now_ms``, from what was stored (None: never used, so full)."""
        if stored is None:
            return float(self.limit)
        tokens, at_ms = stored
        return min(float(self.limit), tokens + max(0, now_ms - at_ms) / 1000 * self.limit / self.window_s)

    def wait_s(self, level: float) -> float:
        """0 when ``count`` tokens are there, else the seconds until they will be."""
        return 0.0 if level >= self.count else (self.count - level) * self.window_s / self.limit

    def full_at_ms(self, level: float, now_ms: int) -> int:
        return now_ms + math.ceil((self.limit - level) * self.window_s / self.limit * 1000)


async def take(tx: Tx, wants: list[Want], now_ms: int, sweep: bool = False) -> float:
    """Take every want's tokens, or none: 0 when taken, else the seconds until all of them would be there."""
    wait, _ = await _take(tx, wants, now_ms, sweep)
    return wait


async def _take(tx: Tx, wants: list[Want], now_ms: int, sweep: bool) -> tuple[float, Want | None]:
    stored = await rate_buckets.load(tx, sorted({w.key for w in wants}))
    levels = {w.key: w.level(stored.get(w.key), now_ms) for w in wants}
    wait, worst = max(((w.wait_s(levels[w.key]), w) for w in wants), key=lambda x: x[0], default=(0.0, None))
    if wait == 0:
        for w in wants:
            levels[w.key] -= w.count
        await rate_buckets.save(tx, [(w.key, levels[w.key], now_ms, w.full_at_ms(levels[w.key], now_ms))
                                     for w in {w.key: w for w in wants}.values()])
    if sweep:
        await rate_buckets.forget_full(tx, now_ms)
    return wait, worst


async def give_back(tx: Tx, want: Want, now_ms: int) -> None:
    """Return ``want``'s tokens (what they paid for did not count against it)."""
    stored = await rate_buckets.load(tx, [want.key])
    if want.key in stored:
        level = min(float(want.limit), want.level(stored[want.key], now_ms) + want.count)
        await rate_buckets.save(tx, [(want.key, level, now_ms, want.full_at_ms(level, now_ms))])


def now_ms() -> int:
    return time.time_ns() // 1_000_000


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


@dataclass(frozen=True)
class Demand:
    """Writes of one kind that a request would make: ``count`` of them, limited per client id and per address."""

    what: str
    message: str  # Chinese, "… 过于频繁"
    per_client: int
    per_address: int | None  # None: no limit per address (a caller known by a key of its own)
    count: int = 1


def refusal(wait_s: float, message: str, error: str = "rate_limited") -> ApiError:
    """429 with a Chinese message (``message``，请 N 分钟后再试) and ``Retry-After``."""
    retry_after = max(1, math.ceil(wait_s))
    minutes = max(1, math.ceil(retry_after / 60))
    refused = ApiError(429, error, f"{message}，请 {minutes} 分钟后再试", retry_after=retry_after)
    refused.headers["Retry-After"] = str(retry_after)
    return refused


async def demand(request: Request, tx: Tx, client_id: str | None, demands: list[Demand], at_ms: int) -> None:
    """Inside a write transaction: take every demand's tokens from its buckets, or none at all: 429 with a Chinese
    message and ``Retry-After`` when any bucket is short, 413 when a demand is larger than a whole bucket (it could
    never pass; a client that sends it in smaller parts gets through). The caller rolls back on either."""
    window_s = request.app.state.config.rate_window_minutes * 60
    wants: list[tuple[Want, Demand]] = []
    for d in demands:
        if d.count <= 0:
            continue
        sides = [(f"{d.what}:address:{client_address(request)}", d.per_address)] if d.per_address is not None else []
        if client_id:
            sides.append((f"{d.what}:client:{client_id}", d.per_client))
        for key, limit in sides:
            if d.count > max(limit, 1):
                raise ApiError(413, "too_large", f"一次提交的内容过多（最多 {limit} 条），请分批提交")
            wants.append((Want(key, limit, window_s, d.count), d))
    if not wants:
        return
    state = request.app.state
    state.rate_checks = getattr(state, "rate_checks", 0) + 1
    wait, worst = await _take(tx, [w for w, _ in wants], at_ms, sweep=state.rate_checks % _SWEEP_EVERY == 0)
    if wait > 0:
        raise refusal(wait, next(d.message for w, d in wants if w is worst))


async def enforce(request: Request, what: str, message: str, *, client_id: str | None, per_client: int,
                  per_address: int | None, count: int = 1) -> None:
    """Refuse with 429 when ``client_id`` or the address is over its limit for ``what``; otherwise count the write,
    in a small write transaction of its own (in the group commit)."""
    wanted = [Demand(what, message, per_client, per_address, count)]
    at_ms = now_ms()
    await request.app.state.writes.run(lambda tx: demand(request, tx, client_id, wanted, at_ms))


async def limit_resident_push(request: Request, tx: Tx, client_id: str, mutations: object, at_ms: int) -> None:
    """Inside the push's own transaction: refuse a resident's push (nothing applied) when its writes are over their
    limits: new cases, and every other write (notes, ratings, withdrawals…) apart. A client id the server has never
    seen may bring at most ``rate_new_client_cases`` new cases in one push (413: its browser sends them in smaller
    parts).

    Only mutations past the client's watermark, read in the same transaction, count: resending a batch whose
    answer was lost costs nothing, even when the copies reach two workers at once.
    """
    from sync.names import M

    if not isinstance(mutations, list):
        return
    config = request.app.state.config
    last_mid = await watermark(tx, client_id)
    new = [m for m in mutations if isinstance(m, dict) and isinstance(m.get("mid"), int) and m["mid"] > last_mid]
    creates = sum(1 for m in new if m.get("name") == M.create)
    if last_mid == 0 and creates > config.rate_new_client_cases:
        raise ApiError(413, "too_large", f"新设备一次最多提交 {config.rate_new_client_cases} 条诉求，请分批提交")
    await demand(request, tx, client_id, [
        Demand("case", "提交诉求过于频繁", config.rate_cases_per_client, config.rate_cases_per_address, creates),
        Demand("write", "操作过于频繁", config.rate_writes_per_client, config.rate_writes_per_address,
               len(new) - creates),
    ], at_ms)
