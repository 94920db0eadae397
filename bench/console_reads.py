"""How fast the console's reads answer on a busy subdistrict: N cases in the log, then the board (newest
first, most urgent first, overdue only), one case's detail, and 30 days of statistics by community.

The baseline measured in the same run is ``GET /healthz`` (one trivial query), so the figures can be compared
across machines. Run: ``python bench/console_reads.py [N]`` (default 5000 cases).
"""
from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import demo, settings  # noqa: E402
from server.app import create_app  # noqa: E402
from server.storage import Database, database  # noqa: E402
from sync.actor import RESIDENT, STAFF, Actor  # noqa: E402
from sync.apply import apply_push  # noqa: E402

SITES = [s[0] for s in demo.SITES]
CATEGORIES = [c[0] for c in demo.CATEGORIES]


async def fill(db: Database, n: int) -> list[str]:
    """``n`` reports over the last 30 days, a third accepted and dispatched, in batches of 200 per push."""
    now = int(time.time() * 1000)
    resident = Actor(RESIDENT, secrets.token_hex(16))
    ids, mid = [], 0
    for start in range(0, n, 200):
        batch = []
        for i in range(start, min(n, start + 200)):
            mid += 1
            case_id = str(uuid.uuid4())
            ids.append(case_id)
            at = now - (n - i) * (30 * 86_400_000 // n)
            batch.append({"mid": mid, "name": "case.create", "hlc": f"{at:013d}-0000", "args": {
                "id": case_id, "track_token": secrets.token_hex(16), "site": SITES[i % len(SITES)],
                "category": CATEGORIES[i % len(CATEGORIES)], "description": f"诉求 {i}"}})
        async with db.write() as conn:
            await apply_push(conn, resident, resident.client_id, batch, now)
    row = await db.fetchone("SELECT id FROM users WHERE username = 'dispatcher'")
    dispatcher = Actor(STAFF, secrets.token_hex(16), user_id=row["id"], username="dispatcher", role="dispatcher")
    mutations, mid = [], 0
    for case_id in ids[::3]:
        for name, args in (("case.accept", {}), ("case.dispatch", {"team": "TX-WG"})):
            mid += 1
            mutations.append({"mid": mid, "name": name, "hlc": f"{now:013d}-0000", "args": {"id": case_id, **args}})
    for start in range(0, len(mutations), 200):
        async with db.write() as conn:
            await apply_push(conn, dispatcher, dispatcher.client_id, mutations[start:start + 200], now)
    return ids


async def timed(client: httpx.AsyncClient, path: str, runs: int = 20) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(samples)


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        async with database(str(db_path)) as db:
            await demo.seed(db, "demo1234")
            started = time.perf_counter()
            ids = await fill(db, n)
            print(f"filled {n} cases in {time.perf_counter() - started:.1f} s")
        app = create_app(settings.load({}, database_url=str(db_path), base_url="http://bench"))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                         headers={"Origin": "http://bench"}) as client:
                await client.post("/api/auth/login", json={"username": "dispatcher", "password": "demo1234"})
                print(f"baseline GET /healthz: {await timed(client, '/healthz'):.1f} ms (median of 20)")
                for path in ("/api/cases", "/api/cases?sort=due", "/api/cases?overdue=1",
                             "/api/cases?community=天鑫社区&status=submitted", f"/api/cases/{ids[0]}",
                             "/api/stats?by=community", "/api/stats?by=day"):
                    print(f"GET {path}: {await timed(client, path):.1f} ms (median of 20)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
