"""Clients of the sync API for stream tests: each pushes mutations over HTTP, so every event a stream carries
was made by the real engine and published by the real push handler.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from sync.hlc import Clock
from sync.names import M


@dataclass(frozen=True)
class Report:
    case_id: str
    track_token: str
    seq: int


class SyncClient:
    """One browser or phone: its own ``client_id``, ``mid`` counter and clock, over an ``httpx`` client (signed
    in for staff, anonymous for a resident)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.client_id = uuid.uuid4().hex
        self.mid = 0
        self.clock = Clock()

    async def push(self, name: str, **args: Any) -> int:
        """Push one mutation, which must apply; the ``seq`` of the (one) event it made."""
        self.mid += 1
        hlc = str(self.clock.tick(time.time_ns() // 1_000_000))
        r = await self.http.post("/api/sync/push", json={"client_id": self.client_id, "mutations": [
            {"mid": self.mid, "name": name, "args": args, "hlc": hlc}]})
        assert r.status_code == 200, r.text
        assert r.json()["results"] == [{"mid": self.mid, "status": "applied"}], r.text
        return int(r.json()["cursor"])

    async def report(self, site: str = "BL-TX-001", category: str = "consult", **extra: Any) -> Report:
        """A new case, as a resident reports it (category ``consult`` leaves it with the site's default team)."""
        case_id, token = str(uuid.uuid4()), uuid.uuid4().hex
        seq = await self.push(M.create, id=case_id, track_token=token, site=site, category=category,
                              description="小区门口路灯不亮", **extra)
        return Report(case_id, token, seq)
