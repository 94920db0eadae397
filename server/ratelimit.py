"""Rate limits on public writes: a token bucket per (kind of write, client id or address).

A bucket holds ``limit`` tokens and refills at ``limit`` per ``window_s``: a burst up to the limit is allowed,
then one write per ``window_s / limit``. Buckets live in the database (``server/storage/rate_buckets.py``), so every
worker counts against the same ones; each check is a small write in the group commit, and a bucket that has refilled
is forgotten.
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
    stored = await rate_buckets.load(tx, sorted({w.key for w in wants}))
    levels = {w.key: w.level(stored.get(w.key), now_ms) for w in wants}
    wait = max((w.wait_s(levels[w.key]) for w in wants), default=0.0)
    if wait == 0:
        for w in wants:
            levels[w.key] -= w.count
        await rate_buckets.save(tx, [(w.key, levels[w.key], now_ms, w.full_at_ms(levels[w.key], now_ms))
                                     for w in {w.key: w for w in wants}.values()])
    if sweep:
        await rate_buckets.forget_full(tx, now_ms)
    return wait


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def wants(request: Request, what: str, *, client_id: str | None, per_client: int, per_address: int | None,
          count: int = 1) -> list[Want]:
    """The buckets a write of kind ``what`` takes from: the client id's, and the address's (``per_address`` None: no
    limit per address, for callers known by a key of their own). A burst larger than a whole bucket (a phone that
    was offline for days) counts as one full bucket, so it can go through once the bucket is full instead of never."""
    window_s = request.app.state.config.rate_window_minutes * 60
    found = []
    if per_address is not None:
        found.append(Want(f"{what}:address:{client_address(request)}", per_address, window_s, min(count, per_address)))
    if client_id:
        found.append(Want(f"{what}:client:{client_id}", per_client, window_s, min(count, per_client)))
    return found


def refusal(wait_s: float, message: str) -> ApiError:
    """429 with a Chinese message (``message``，请 N 分钟后再试) and ``Retry-After``."""
    retry_after = max(1, math.ceil(wait_s))
    minutes = max(1, math.ceil(retry_after / 60))
    error = ApiError(429, "rate_limited", f"{message}，请 {minutes} 分钟后再试", retry_after=retry_after)
    error.headers["Retry-After"] = str(retry_after)
    return error


async def take_or_refuse(request: Request, tx: Tx, found: list[Want], message: str, now_ms: int) -> None:
    """Inside a write transaction: take the tokens, or raise :func:`refusal` (then roll back what the caller wrote)."""
    state = request.app.state
    state.rate_checks = getattr(state, "rate_checks", 0) + 1
    wait = await take(tx, found, now_ms, sweep=state.rate_checks % _SWEEP_EVERY == 0)
    if wait > 0:
        raise refusal(wait, message)


async def enforce(request: Request, what: str, message: str, *, client_id: str | None, per_client: int,
                  per_address: int | None, count: int = 1) -> None:
    """Refuse with 429 when ``client_id`` or the address is over its limit for ``what``; otherwise count the write
    (a small write of its own, in the group commit)."""
    found = wants(request, what, client_id=client_id, per_client=per_client, per_address=per_address, count=count)
    now_ms = time.time_ns() // 1_000_000
    await request.app.state.writes.run(lambda tx: take_or_refuse(request, tx, found, message, now_ms))


async def limit_case_creates(request: Request, tx: Tx, client_id: str, mutations: object, now_ms: int) -> None:
    """Inside the push's own transaction: refuse a resident's push (429, nothing applied) when its new
    ``case.create`` mutations are over the limit.

    Only mutations past the client's watermark, read in the same transaction, count: resending a batch whose answer
    was lost costs nothing, even when the copies reach two workers at once.
    """
    if not isinstance(mutations, list):
        return
    last_mid = await watermark(tx, client_id)
    creates = sum(1 for m in mutations if isinstance(m, dict) and m.get("name") == "case.create"
                  and isinstance(m.get("mid"), int) and m["mid"] > last_mid)
    if creates:
        config = request.app.state.config
        found = wants(request, "case", client_id=client_id, per_client=config.rate_cases_per_client,
                      per_address=config.rate_cases_per_address, count=creates)
        await take_or_refuse(request, tx, found, "提交诉求过于频繁", now_ms)
