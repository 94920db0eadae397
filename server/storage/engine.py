"""The SQL of the sync queue: clients, the mutation ledger, cases, notes, photos and the event log.

:class:`EngineStore` is ``sync.storage.EngineStore``: plain synchronous calls on the writer's connection, made on
the writer's own thread inside an open write transaction (``Tx.engine``), for SQLite and PostgreSQL alike.
:class:`SyncReads` is ``sync.storage.SyncReads``: the reads of a pull, on a reader (``db.sync``). Every function
here is a thin mapping between rows and the dicts that the engine (``sync.apply``), the fold (``sync.fold``) and
pull (``sync.pull``) work with.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from server.storage import search
from server.storage.db import Database, Row, SyncTx, Tx
from sync.fold import CASE_FIELDS, JSON_FIELDS

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_CASE_COLUMNS = ", ".join(CASE_FIELDS)
_UPSERT_CASE = (
    f"INSERT INTO cases({_CASE_COLUMNS}) VALUES ({', '.join('?' for _ in CASE_FIELDS)}) ON CONFLICT(id) DO UPDATE"
    f" SET {', '.join(f'{c} = excluded.{c}' for c in CASE_FIELDS if c != 'id')}"
)
EVENT_COLUMNS = ("seq", "case_id", "type", "actor", "payload", "hlc", "client_id", "mid", "created_at")


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def case_from_row(row: Row) -> dict[str, Any]:
    """A ``cases`` row as the dict the fold works on (JSON columns decoded)."""
    case = dict(zip(CASE_FIELDS, row))
    for f in JSON_FIELDS:
        if case[f] is not None:
            case[f] = json.loads(case[f])
    return case


_JSON_AT = tuple(CASE_FIELDS.index(f) for f in JSON_FIELDS)


def _case_params(case: dict[str, Any]) -> list[Any]:
    params = [case[c] for c in CASE_FIELDS]
    for i in _JSON_AT:
        if params[i] is not None:
            params[i] = _dumps(params[i])
    return params


def event_from_row(row: Row) -> dict[str, Any]:
    """An ``events`` row as the dict the fold works on (actor and payload decoded)."""
    event = dict(zip(EVENT_COLUMNS, row))
    event["actor"] = json.loads(event["actor"])
    event["payload"] = json.loads(event["payload"])
    return event


class EngineStore:
    """The engine's reads and writes inside one write transaction (see ``sync.storage.EngineStore``)."""

    def __init__(self, tx: SyncTx) -> None:
        self.tx = tx

    def client_and_top(self, client_id: str) -> tuple[dict[str, Any] | None, int]:
        top, cid, kind, last_mid, last_hlc, user_id, site = self.tx.fetchall(
            f"SELECT {self.tx.dialect.top_seq()}, c.client_id, c.kind, c.last_mid, c.last_hlc, c.user_id, c.site"
            " FROM (SELECT 1 AS one) o LEFT JOIN clients c ON c.client_id = ?", (client_id,))[0]
        client = None if cid is None else {"client_id": cid, "kind": kind, "last_mid": last_mid,
                                           "last_hlc": last_hlc, "user_id": user_id, "site": site}
        return client, top or 0

    def load_cases(self, ids: Sequence[str], tokens: Sequence[str]) -> list[dict[str, Any]]:
        # Two lookups on unique keys rather than one "id IN … OR track_token IN …": a planner that saw the table
        # small may keep a plan that scans it for the OR, long after it grew.
        lookups = [f"SELECT {_CASE_COLUMNS} FROM cases WHERE {column} IN ({_marks(len(values))})"
                   for column, values in (("id", ids), ("track_token", tokens)) if values]
        if not lookups:
            return []
        found = {}
        for row in self.tx.fetchall(" UNION ALL ".join(lookups), (*ids, *tokens)):
            found.setdefault(row[0], row)
        return [case_from_row(r) for r in found.values()]

    def existing_attachments(self, notes: Sequence[tuple[str, str]], photos: Sequence[tuple[str, str]]
                             ) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        found_notes: set[tuple[str, str]] = set()
        found_photos: set[tuple[str, str]] = set()
        if notes:
            rows = self.tx.fetchall(
                f"SELECT case_id, note_id FROM case_notes WHERE (case_id, note_id) IN"
                f" (VALUES {', '.join('(?, ?)' for _ in notes)})", [x for pair in notes for x in pair])
            found_notes = {(r[0], r[1]) for r in rows}
        if photos:
            rows = self.tx.fetchall(
                f"SELECT case_id, photo_id FROM case_photos WHERE (case_id, photo_id) IN"
                f" (VALUES {', '.join('(?, ?)' for _ in photos)})", [x for pair in photos for x in pair])
            found_photos = {(r[0], r[1]) for r in rows}
        return found_notes, found_photos

    def uploaded_photos(self, photo_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not photo_ids:
            return {}
        rows = self.tx.fetchall(f"SELECT id, client_id, user_id FROM photos WHERE id IN ({_marks(len(photo_ids))})",
                                list(photo_ids))
        return {r[0]: {"client_id": r[1], "user_id": r[2]} for r in rows}

    def for_reports(self, sites: Sequence[str], categories: Sequence[str], day: str
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], int]:
        # One statement for all three; an empty code list matches nothing (IN () is not SQL everywhere).
        rows = self.tx.fetchall(
            "SELECT 'n', NULL, NULL, NULL, (SELECT last FROM case_counters WHERE day = ?), CAST(NULL AS INTEGER),"
            " CAST(NULL AS INTEGER)"
            " UNION ALL SELECT 's', code, community, default_team, NULL, NULL, NULL FROM sites"
            f" WHERE active = 1 AND code IN ({_marks(len(sites)) or 'NULL'})"
            " UNION ALL SELECT 'c', code, NULL, default_team, response_limit_minutes, resolution_limit_days, urgent"
            f" FROM categories WHERE active = 1 AND code IN ({_marks(len(categories)) or 'NULL'})",
            (day, *sites, *categories))
        found_sites, found_categories, last = {}, {}, 0
        for kind, code, community, team, a, b, urgent in rows:
            if kind == "n":
                last = a or 0
            elif kind == "s":
                found_sites[code] = {"code": code, "community": community, "default_team": team}
            else:
                found_categories[code] = {"code": code, "default_team": team, "response_limit_minutes": a,
                                          "resolution_limit_days": b, "urgent": urgent}
        return found_sites, found_categories, last

    def active_site(self, code: str) -> dict[str, Any] | None:
        row = self.tx.fetchone("SELECT code, community, default_team FROM sites WHERE code = ? AND active = 1",
                               (code,))
        return dict(row) if row is not None else None

    def active_category(self, code: str) -> dict[str, Any] | None:
        row = self.tx.fetchone(
            "SELECT code, response_limit_minutes, resolution_limit_days, default_team, urgent FROM categories"
            " WHERE code = ? AND active = 1", (code,))
        return dict(row) if row is not None else None

    def team_exists(self, code: str) -> bool:
        return self.tx.fetchone("SELECT 1 FROM teams WHERE code = ? AND active = 1", (code,)) is not None

    def user_exists(self, user_id: int) -> bool:
        return self.tx.fetchone("SELECT 1 FROM users WHERE id = ? AND active = 1", (user_id,)) is not None

    def last_number(self, day: str) -> int:
        row = self.tx.fetchone("SELECT last FROM case_counters WHERE day = ?", (day,))
        return row[0] if row is not None else 0

    def save_batch(self, *, client: dict[str, Any], cases: Iterable[dict[str, Any]],
                   events: Sequence[dict[str, Any]], notes: Sequence[dict[str, Any]],
                   photos: Sequence[dict[str, Any]], mutations: Sequence[tuple[Any, ...]],
                   counters: dict[str, int]) -> None:
        """Write what one push decided; cases first, since events, notes and photos refer to them. The search index
        is kept in the same transaction."""
        with self.tx.batch():
            self._save(client, cases, events, notes, photos, mutations, counters)

    def _save(self, client: dict[str, Any], cases: Iterable[dict[str, Any]], events: Sequence[dict[str, Any]],
              notes: Sequence[dict[str, Any]], photos: Sequence[dict[str, Any]], mutations: Sequence[tuple[Any, ...]],
              counters: dict[str, int]) -> None:
        tx = self.tx
        tx.execute(
            "INSERT INTO clients(client_id, kind, last_mid, last_hlc, user_id, site) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(client_id) DO UPDATE SET last_mid = excluded.last_mid, last_hlc = excluded.last_hlc",
            (client["client_id"], client["kind"], client["last_mid"], client["last_hlc"], client["user_id"],
             client["site"]))
        case_rows = [_case_params(c) for c in cases]
        if case_rows:
            tx.executemany(_UPSERT_CASE, case_rows)
        if events:
            actors: dict[int, str] = {}  # a push has one actor: encode it once, not once per event
            tx.executemany(
                f"INSERT INTO events({', '.join(EVENT_COLUMNS)}) VALUES ({_marks(len(EVENT_COLUMNS))})",
                [(e["seq"], e["case_id"], e["type"], actors.get(id(e["actor"])) or actors.setdefault(
                    id(e["actor"]), _dumps(e["actor"])), _dumps(e["payload"]), e["hlc"], e["client_id"], e["mid"],
                  e["created_at"]) for e in events])
        if notes:
            tx.executemany(
                "INSERT INTO case_notes(case_id, note_id, text, photos, author, public, hlc, client_id, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(n["case_id"], n["note_id"], n["text"], _dumps(n["photos"]), _dumps(n["author"]), int(n["public"]),
                  n["hlc"], n["client_id"], n["seq"]) for n in notes])
        if photos:
            tx.executemany(
                "INSERT INTO case_photos(case_id, photo_id, public, hlc, client_id, seq)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(p["case_id"], p["photo_id"], int(p["public"]), p["hlc"], p["client_id"], p["seq"]) for p in photos])
        if mutations:
            tx.executemany(
                "INSERT INTO mutations(client_id, mid, name, status, error, seq_from, seq_to)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", mutations)
        if counters:
            tx.executemany(
                "INSERT INTO case_counters(day, last) VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET last = excluded.last",
                list(counters.items()))
        # The console's search index, in the same transaction: a committed case or note is findable at once.
        search.index_batch(tx, events, notes)
        notify = tx.dialect.notify_events()
        if events and notify is not None:
            tx.execute(notify, (events[-1]["seq"],))  # delivered at commit, to every process listening


async def watermark(tx: Tx, client_id: str) -> int:
    """The client's ``last_mid`` as the open write transaction sees it (0 if it never pushed)."""
    row = await tx.fetchone("SELECT last_mid FROM clients WHERE client_id = ?", (client_id,))
    return int(row[0]) if row is not None else 0


# --- pulling, on a reader -----------------------------------------------------------------------------------

def _scope(scope: dict[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause on ``cases c`` limiting rows to those a caller may see (see ``sync.pull``)."""
    if "created_by_client" in scope:
        return "c.created_by_client = ?", [scope["created_by_client"]]
    if "team" in scope:
        return "(c.team = ? OR c.assignee = ?)", [scope["team"], scope["assignee"]]
    return "1 = 1", []


class SyncReads:
    """The reads of a sync pull (see ``sync.storage.SyncReads``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def changes(self, scope: dict[str, Any], cursor: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        # One statement, so the top is read in the same snapshot as the page: a caller told "nothing more up to
        # top" cannot miss an event committed in between.
        where, params = _scope(scope)
        rows = await self.db.fetchall(
            f"SELECT t.top, {', '.join('p.' + c for c in EVENT_COLUMNS)}"
            f" FROM (SELECT {self.db.dialect.top_seq()} AS top) t"
            f" LEFT JOIN (SELECT {', '.join('e.' + c for c in EVENT_COLUMNS)} FROM events e"
            f" JOIN cases c ON c.id = e.case_id WHERE e.seq > ? AND {where} ORDER BY e.seq LIMIT ?) p ON 1 = 1"
            " ORDER BY p.seq", [cursor, *params, limit])
        top = rows[0][0] or 0
        return [event_from_row(r[1:]) for r in rows if r[1] is not None], top

    async def cases_with_sets(self, ids: Sequence[str], scope: dict[str, Any]
                              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        where, params = _scope(scope)
        marks = _marks(len(ids))
        cases = [case_from_row(r) for r in await self.db.fetchall(
            f"SELECT {', '.join('c.' + f for f in CASE_FIELDS)} FROM cases c WHERE c.id IN ({marks}) AND {where}",
            [*ids, *params])]
        visible = [c["id"] for c in cases]
        if not visible:
            return [], [], []
        marks = _marks(len(visible))
        notes = [{"case_id": r["case_id"], "note_id": r["note_id"], "text": r["text"],
                  "photos": json.loads(r["photos"]), "author": json.loads(r["author"]), "public": bool(r["public"]),
                  "hlc": r["hlc"], "client_id": r["client_id"], "seq": r["seq"]}
                 for r in await self.db.fetchall(
                     f"SELECT * FROM case_notes WHERE case_id IN ({marks}) ORDER BY hlc, client_id", visible)]
        photos = [{"case_id": r["case_id"], "photo_id": r["photo_id"], "public": bool(r["public"]), "hlc": r["hlc"],
                   "client_id": r["client_id"], "seq": r["seq"]}
                  for r in await self.db.fetchall(
                      f"SELECT * FROM case_photos WHERE case_id IN ({marks}) ORDER BY hlc, client_id", visible)]
        return cases, notes, photos

    async def client(self, client_id: str) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT client_id, kind, last_mid, user_id, site FROM clients WHERE client_id = ?",
                                     (client_id,))
        return dict(row) if row is not None else None
