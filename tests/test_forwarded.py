"""Per-address limits hold against a forged ``X-Forwarded-For``: ``mashangban serve`` believes the header only
from the proxies named in ``MASHANGBAN_TRUSTED_PROXIES`` (none by default; uvicorn alone would believe it from
127.0.0.1)."""
from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.resident_support import create_mutation
from tests.support.server import start_server


def _report_from(url: str, address: str) -> int:
    mutation = create_mutation(1, str(uuid.uuid4()), uuid.uuid4().hex)
    r = httpx.post(url + "/api/sync/push", json={"client_id": uuid.uuid4().hex, "mutations": [mutation]},
                   headers={"X-Forwarded-For": address}, timeout=10)
    return r.status_code


def test_only_a_trusted_proxy_may_name_the_address(tmp_path: Path) -> None:
    for folder in ("default", "proxied"):
        (tmp_path / folder).mkdir()
    server = start_server(tmp_path / "default", env={"MASHANGBAN_RATE_CASES_PER_ADDRESS": "2"})
    try:
        forged = [_report_from(server.url, f"203.0.113.{i}") for i in range(1, 4)]
    finally:
        server.stop()
    assert forged == [200, 200, 429]  # three "addresses", one limit: the header was not believed

    server = start_server(tmp_path / "proxied", env={"MASHANGBAN_RATE_CASES_PER_ADDRESS": "2",
                                                     "MASHANGBAN_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        named = [_report_from(server.url, f"203.0.113.{i}") for i in range(1, 4)]
        same = [_report_from(server.url, "203.0.113.1") for _ in range(2)]
    finally:
        server.stop()
    assert named == [200, 200, 200] and same == [200, 429]  # behind our proxy, each client is itself
