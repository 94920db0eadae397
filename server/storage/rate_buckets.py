"""SQL for the public write limits: the token buckets every worker shares (the arithmetic is ``server.ratelimit``)."""
from __future__ import annotations

from typing import Iterable, Sequence

from server.storage.db import Tx


async def load(tx: Tx, keys: Sequence[str]) -> dict[str, tuple[float, int]]:
    """Key → (tokens, at_ms) of the buckets that have a row; a missing one is full."""
    if not keys:
        return {}
    rows = await tx.fetchall(f"SELECT key, tokens, at_ms FROM rate_buckets WHERE key IN ({', '.join('?' * len(keys))})",
                             list(keys))
    return {r[0]: (float(r[1]), int(r[2])) for r in rows}


async def save(tx: Tx, buckets: Iterable[tuple[str, float, int, int]]) -> None:
    """Store ``(key, tokens, at_ms, full_at_ms)`` for each bucket."""
    await tx.executemany(
        "INSERT INTO rate_buckets(key, tokens, at_ms, full_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE"
        " SET tokens = excluded.tokens, at_ms = excluded.at_ms, full_at_ms = excluded.full_at_ms", list(buckets))


async def forget_full(tx: Tx, now_ms: int) -> int:
    """Delete the buckets that have refilled by ``now_ms`` (the same as no row); returns how many."""
    return await tx.execute("DELETE FROM rate_buckets WHERE full_at_ms <= ?", (now_ms,))
