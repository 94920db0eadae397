"""What the console's search costs: N cases with a note each, then the board's query for terms of three or more
characters (the FTS5 trigram index) and of one or two (a scan of the indexed texts), each beside the baseline
measured in the same run: the same board query (the first page, most urgent first, and the count) with the search
done by ``LIKE '%term%'`` over the same texts in the ``cases`` and ``case_notes`` tables; and what keeping the index costs a push of 200 new reports, beside the same push without it.

Run: ``python bench/search.py [N]`` (default 20000 cases).
"""
from __future__ import annotations

import asyncio
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import demo  # noqa: E402
from server.storage import Database, database, search  # noqa: E402
from server.storage.case_reads import CaseFilter, list_cases  # noqa: E402
from server.storage.db import Dialect  # noqa: E402
from sync.actor import RESIDENT, STAFF, Actor  # noqa: E402
from sync.apply import apply_push  # noqa: E402

SITES = [s[0] for s in demo.SITES]
NAMES = [f"{surname}{title}" for surname in "王李张刘陈杨赵黄周吴徐孙" for title in ("先生", "女士")]
CATEGORIES = [c[0] for c in demo.CATEGORIES]
WHAT = ["路灯不亮", "井盖松动", "垃圾堆积", "楼道堆放杂物", "夜间施工噪音", "独居老人需要帮忙买药", "占道经营",
        "污水外溢", "电动车楼道充电", "小区门禁损坏", "广场舞音响太吵", "树枝压到电线"]
WHERE = ["3 号楼门口", "东门", "地下车库", "菜市场旁", "学校路口", "二期工地", "篮球场边"]
# What dispatchers type: mostly something that names one case or a few (a phone number, a case's own words), and
# now and then a word that half the subdistrict's reports contain.
TERMS_FEW = ["00012345", "第 4321 件", "刘女士 0001999", "压到电线，已经7天"]
TERMS_MANY = ["路灯不亮", "已联系物业", "王先生", "1390"]
TERMS_SHORT = ["路灯", "药", "东门"]


def report(rng: random.Random, i: int) -> str:
    return f"{rng.choice(WHERE)}{rng.choice(WHAT)}，已经{rng.randint(1, 9)}天了，请尽快处理（第 {i} 件）"


def creations(rng: random.Random, start: int, n: int, first_mid: int, now: int) -> list[dict[str, Any]]:
    return [{"mid": first_mid + k, "name": "case.create", "hlc": f"{now:013d}-0000", "args": {
        "id": str(uuid.uuid4()), "track_token": secrets.token_hex(16), "site": SITES[i % len(SITES)],
        "category": CATEGORIES[i % len(CATEGORIES)], "description": report(rng, i),
        "contact": {"name": NAMES[i % len(NAMES)], "phone": f"13{i % 10}{i:08d}"}}}
        for k, i in enumerate(range(start, start + n))]


async def fill(db: Database, n: int) -> None:
    rng, now = random.Random(7), int(time.time() * 1000)
    resident = Actor(RESIDENT, secrets.token_hex(16))
    for start in range(0, n, 200):
        async with db.write() as conn:
            await apply_push(conn, resident, resident.client_id, creations(rng, start, min(200, n - start),
                                                                             start + 1, now), now)
    row = await db.fetchone("SELECT id FROM users WHERE username = 'dispatcher'")
    staff = Actor(STAFF, secrets.token_hex(16), user_id=row["id"], username="dispatcher", role="dispatcher")
    ids = [r["id"] for r in await db.fetchall("SELECT id FROM cases")]
    for start in range(0, len(ids), 200):
        notes = [{"mid": start + k + 1, "name": "case.note", "hlc": f"{now:013d}-0000", "args": {
            "id": case_id, "note_id": str(uuid.uuid4()), "text": rng.choice(["已联系物业", "明早检修", "无人接听"])}}
            for k, case_id in enumerate(ids[start:start + 200])]
        async with db.write() as conn:
            await apply_push(conn, staff, staff.client_id, notes, now)


async def median_ms(work: Any, runs: int = 15) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


async def board(db: Database, term: str) -> None:
    await list_cases(db, CaseFilter(terms=tuple(term.split())), "due", 50, 0)


@dataclass
class LikeFilter(CaseFilter):
    """The baseline: the same board query, with the search done by ``LIKE '%term%'`` on every text instead."""

    likes: tuple[str, ...] = ()

    def where(self, dialect: Dialect) -> tuple[str, list[Any]]:
        clause, params = super().where(dialect)
        texts = ("(c.number LIKE ? OR c.description LIKE ? OR c.contact_name LIKE ? OR c.contact_phone LIKE ?"
                 " OR c.id IN (SELECT case_id FROM case_notes WHERE text LIKE ?)"
                 " OR c.site IN (SELECT code FROM sites WHERE name LIKE ?))")
        for term in self.likes:
            clause += f" AND {texts}"
            params.extend([f"%{term}%"] * 6)
        return clause, params


async def like(db: Database, term: str) -> None:
    await list_cases(db, LikeFilter(likes=tuple(term.split())), "due", 50, 0)


async def push_cost(tmp: Path, with_index: bool) -> float:
    """Median ms of a push of 200 new reports, keeping the search index or not."""
    async with database(tmp / f"push-{with_index}.db", synchronous="OFF") as db:
        await demo.seed(db, "demo1234")
        keep = search.index_batch
        if not with_index:
            search.index_batch = lambda *args: None  # type: ignore[assignment]
        try:
            rng, now, resident = random.Random(3), int(time.time() * 1000), Actor(RESIDENT, secrets.token_hex(16))
            mid = 0

            async def one() -> None:
                nonlocal mid
                batch = creations(rng, mid, 200, mid + 1, now)
                mid += 200
                async with db.write() as conn:
                    await apply_push(conn, resident, resident.client_id, batch, now)

            return await median_ms(one, runs=10)
        finally:
            search.index_batch = keep  # type: ignore[assignment]


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with database(Path(tmp) / "bench.db", synchronous="OFF") as db:
            await demo.seed(db, "demo1234")
            started = time.perf_counter()
            await fill(db, n)
            print(f"filled {n} cases and {n} notes in {time.perf_counter() - started:.1f} s")
            print(f"{'query':<18} {'found':>6} {'search (ms)':>12} {'LIKE (ms)':>10}")
            for term in TERMS_FEW + TERMS_MANY + TERMS_SHORT:
                ours = await median_ms(lambda: board(db, term))
                base = await median_ms(lambda: like(db, term))
                found = (await list_cases(db, CaseFilter(terms=tuple(term.split())), "due", 1, 0))[1]
                print(f"{term:<18} {found:>6} {ours:>12.1f} {base:>10.1f}")
        with_index, without = await push_cost(Path(tmp), True), await push_cost(Path(tmp), False)
        print(f"push of 200 reports: {with_index:.1f} ms with the search index, {without:.1f} ms without")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
