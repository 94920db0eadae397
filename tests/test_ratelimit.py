"""The token bucket behind the public write limits, and its being shared: two workers (two connections to one
database) count against the same bucket."""
from pathlib import Path

from server.ratelimit import Want, take
from server.storage import database
from tests.support.databases import new_database


def test_a_bucket_allows_a_burst_then_one_per_interval() -> None:
    want = Want("photo:client:a", limit=3, window_s=60)
    level = want.level(None, 0)
    assert level == 3 and want.wait_s(level) == 0
    assert want.wait_s(0.0) == 20.0  # empty: one token comes back every 20 s
    assert want.level((0.0, 0), 20_000) == 1.0 and want.level((0.0, 0), 10 ** 9) == 3.0
    assert Want("k", limit=5, window_s=50, count=2).wait_s(1.0) == 10.0  # taking many at once counts each
    assert want.full_at_ms(1.0, 1000) == 41_000


async def test_every_worker_takes_from_the_same_bucket(tmp_path: Path) -> None:
    url = new_database(tmp_path, "limits")
    async with database(url) as a, database(url) as b:
        wants = [Want("case:client:x", limit=3, window_s=60), Want("case:address:1.2.3.4", limit=5, window_s=60)]
        waits = []
        for db in (a, b, a, b):
            async with db.write() as tx:
                waits.append(await take(tx, wants, now_ms=1_000))
        assert waits == [0, 0, 0, 20.0]  # the client's three went through whichever worker it reached
        async with b.write() as tx:  # none taken by the refused one, and the address bucket counted all three
            assert await take(tx, [Want("case:address:1.2.3.4", limit=5, window_s=60, count=2)], now_ms=1_000) == 0
            assert await take(tx, [Want("case:address:1.2.3.4", limit=5, window_s=60)], now_ms=1_000) == 12.0
        async with a.write() as tx:
            assert await take(tx, wants, now_ms=1_000 + 60_001, sweep=True) == 0  # refilled: forgotten, then taken
            rows = await tx.fetchall("SELECT key FROM rate_buckets ORDER BY key")
        assert [r[0] for r in rows] == ["case:address:1.2.3.4", "case:client:x"]
