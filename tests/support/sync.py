"""Helpers for sync tests: a fresh database with a little reference data, actors, and an outbox per client.

The reference rows are the stage (two teams, two sites, three categories, four staff); the cases each test
works on are made in the test itself, through mutations, the way clients make them.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from server.storage import Database, database
from server.storage.engine import case_from_row, event_from_row
from sync.actor import RESIDENT, STAFF, Actor
from sync.apply import Options, PushOutcome, apply_push
from sync.fold import CASE_FIELDS, attachments, fold
from sync.hlc import Clock
from sync.names import M

NOW = 1_795_000_000_000  # 2026-11-18 19:06:40 in Beijing, a Wednesday

TEAMS = [("T1", "天鑫社区网格站", "grid"), ("T2", "党员先锋队", "vanguard")]
SITES = [("S1", "天鑫花园", "residential", "天鑫社区", "T1"), ("S2", "龙腾工业园", "industrial_park", "龙腾社区", "T1")]
CATEGORIES = [  # code, kind, response minutes, resolution working days, default team, urgent
    ("noise", "complaint", 120, 15, None, 0), ("help", "help", 10, 10, "T2", 1), ("consult", "consultation", 480, 2, None, 0)]
USERS = [(1, "disp", "dispatcher", None), (2, "f1", "field", "T1"), (3, "f2", "field", "T1"), (4, "f3", "field", "T2")]


async def open_db(url: str) -> Database:
    """A migrated database at ``url`` (from ``tests.support.databases``) with the reference rows above."""
    db = await database(url, synchronous="OFF").open()
    async with db.write() as conn:
        await conn.executemany("INSERT INTO teams(code, name, kind) VALUES (?, ?, ?)", TEAMS)
        await conn.executemany(
            "INSERT INTO sites(code, name, kind, community, default_team) VALUES (?, ?, ?, ?, ?)", SITES)
        await conn.executemany(
            "INSERT INTO categories(code, name_zh, name_en, kind, response_limit_minutes, resolution_limit_days,"
            " default_team, urgent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(c, c, c, k, r, d, t, u) for c, k, r, d, t, u in CATEGORIES])
        # Ids 1, 2, 3… as both engines number an empty table (an explicit id would leave PostgreSQL's counter behind).
        await conn.executemany(
            "INSERT INTO users(username, display_name, role, team, password_hash) VALUES (?, ?, ?, ?, 'x')",
            [(u, u, r, t) for _, u, r, t in USERS])
    return db


def resident() -> Actor:
    return Actor(RESIDENT, uuid.uuid4().hex)


def staff(username: str) -> Actor:
    user_id, _, role, team = next(u for u in USERS if u[1] == username)
    return Actor(STAFF, uuid.uuid4().hex, user_id=user_id, username=username, role=role, team=team)


@dataclass
class Outbox:
    """A client's queue as the browser keeps it: mutations numbered 1, 2, 3… and stamped by the client's HLC."""

    actor: Actor
    now_ms: int = NOW
    mutations: list[dict[str, Any]] = field(default_factory=list)
    acked: int = 0

    def __post_init__(self) -> None:
        self.clock = Clock()

    def add(self, name: str, **args: Any) -> dict[str, Any]:
        self.now_ms += 1
        m = {"mid": len(self.mutations) + 1, "name": name, "args": args, "hlc": str(self.clock.tick(self.now_ms))}
        self.mutations.append(m)
        return m

    def create(self, site: str = "S1", category: str = "noise", **extra: Any) -> str:
        case_id = str(uuid.uuid4())
        self.add(M.create, id=case_id, track_token=uuid.uuid4().hex, site=site, category=category,
                 description="楼下施工噪音", **extra)
        return case_id

    def pending(self) -> list[dict[str, Any]]:
        return self.mutations[self.acked:]

    async def push(self, db: Database, now_ms: int = NOW + 1000, batch: list[dict[str, Any]] | None = None,
                   options: Options = Options()) -> PushOutcome:
        """Send ``batch`` (default: everything not yet acknowledged) and take the acknowledgement."""
        async with db.write() as conn:
            outcome = await apply_push(conn, self.actor, self.actor.client_id,
                                       self.pending() if batch is None else batch, now_ms, options)
        self.acked = max(self.acked, outcome.last_mid)
        return outcome


async def case_row(db: Database, case_id: str) -> dict[str, Any]:
    """The ``cases`` row of ``case_id`` as a dict (the case must exist)."""
    row = await db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    return dict(row)


async def uploaded(db: Database, actor: Actor, *photo_ids: str) -> None:
    """Photos as ``actor`` uploaded them (a staff member as their user), so that its mutations may name them."""
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO photos(id, jpeg, width, height, bytes, sha256, client_id, user_id)"
            " VALUES (?, ?, 1, 1, 4, '', ?, ?)",
            [(p, b"\xff\xd8\xff\xd9", actor.client_id, actor.user_id if actor.is_staff else None) for p in photo_ids])


def note_id() -> str:
    return str(uuid.uuid4())


async def replay(db: Database) -> tuple[dict[str, Any], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Fold the whole log from nothing: the cases, and the note and photo sets."""
    cases: dict[str, Any] = {}
    notes, photos = set(), set()
    rows = await db.fetchall("SELECT seq, case_id, type, actor, payload, hlc, client_id, mid, created_at"
                             " FROM events ORDER BY seq")
    for row in rows:
        event = event_from_row(row)
        cases[event["case_id"]] = fold(cases.get(event["case_id"]), event)
        added_notes, added_photos = attachments(event)
        notes.update((n["case_id"], n["note_id"], n["text"], n["public"], n["hlc"]) for n in added_notes)
        photos.update((p["case_id"], p["photo_id"], p["public"], p["hlc"]) for p in added_photos)
    return cases, notes, photos


async def stored(db: Database) -> tuple[dict[str, Any], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    rows = await db.fetchall(f"SELECT {', '.join(CASE_FIELDS)} FROM cases")
    cases = {c["id"]: c for c in map(case_from_row, rows)}
    notes = {(r[0], r[1], r[2], bool(r[3]), r[4])
             for r in await db.fetchall("SELECT case_id, note_id, text, public, hlc FROM case_notes")}
    photos = {(r[0], r[1], bool(r[2]), r[3])
              for r in await db.fetchall("SELECT case_id, photo_id, public, hlc FROM case_photos")}
    return cases, notes, photos


async def assert_log_folds_to_tables(db: Database) -> None:
    assert await replay(db) == await stored(db)
