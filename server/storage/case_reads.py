"""SQL for staff reads of cases: the filtered board, one case with its photos and notes, its timeline, and the
facts the statistics need. The tables are the sync engine's (``cases``, ``events``, ``case_notes``,
``case_photos``); nothing here writes — every change to a case is a mutation through the sync API.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.storage import search
from server.storage.db import Database, Dialect, Row

AWAITING_RESPONSE = ("submitted",)
AWAITING_RESOLUTION = ("accepted", "dispatched", "in_progress")

# The resolution due time in force: an extension (延期) replaces the one computed at creation.
RESOLUTION_DUE = "COALESCE(c.extended_until, c.resolution_due)"

_LIST_COLUMNS = (
    "c.id, c.number, c.site, s.name AS site_name, c.community, c.category, k.name_zh AS category_name,"
    " c.description, c.channel, c.status, c.team, t.name AS team_name, c.assignee AS assignee_id,"
    " u.username AS assignee, u.display_name AS assignee_name, c.priority, c.created_at, c.response_due,"
    f" {RESOLUTION_DUE} AS resolution_due, c.extended_until, c.accepted_at, c.resolved_at, c.closed_at,"
    " c.rating, c.rework_count, c.duplicate_of, c.updated_seq, c.confidential, c.callback,"
    " k.urgent AS category_urgent"
)
_FROM = (
    " FROM cases c LEFT JOIN sites s ON s.code = c.site LEFT JOIN categories k ON k.code = c.category"
    " LEFT JOIN teams t ON t.code = c.team LEFT JOIN users u ON u.id = c.assignee"
)
SORTS = {
    "new": "c.created_at DESC, c.id",
    # Most urgent first: the running clock's due time; cases with no running clock last, newest first.
    "due": (f"CASE WHEN c.status IN ('submitted') THEN c.response_due"
            f" WHEN c.status IN ('accepted', 'dispatched', 'in_progress') THEN {RESOLUTION_DUE}"
            " ELSE '9999' END, c.created_at DESC, c.id"),
}


@dataclass
class CaseFilter:
    """Conditions of a case list; every one is optional. Times are ISO UTC strings."""

    statuses: tuple[str, ...] = ()
    site: str | None = None
    community: str | None = None
    category: str | None = None
    team: str | None = None
    overdue_at: str | None = None  # only cases overdue at this instant
    created_from: str | None = None  # inclusive
    created_before: str | None = None  # exclusive
    visible_to_team: str | None = None  # field staff: their team's cases …
    visible_to_user: int | None = None  # … or cases assigned to them
    restrict: bool = False  # apply the two above (a field worker without a team sees only their own)
    terms: tuple[str, ...] = ()  # free-text search: every term found somewhere in the case (server.storage.search)

    def where(self, dialect: Dialect) -> tuple[str, list[Any]]:
        clauses, params = ["1=1"], []
        if self.statuses:
            clauses.append(f"c.status IN ({', '.join('?' for _ in self.statuses)})")
            params.extend(self.statuses)
        for column in ("site", "community", "category", "team"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"c.{column} = ?")
                params.append(value)
        if self.overdue_at is not None:
            clauses.append(
                f"((c.status IN ({_quoted(AWAITING_RESPONSE)}) AND c.response_due <= ?)"
                f" OR (c.status IN ({_quoted(AWAITING_RESOLUTION)}) AND {RESOLUTION_DUE} <= ?))")
            params.extend([self.overdue_at, self.overdue_at])
        if self.created_from is not None:
            clauses.append("c.created_at >= ?")
            params.append(self.created_from)
        if self.created_before is not None:
            clauses.append("c.created_at < ?")
            params.append(self.created_before)
        if self.restrict:
            clauses.append("(c.team = ? OR c.assignee = ?)")
            params.extend([self.visible_to_team, self.visible_to_user])
        if self.terms:
            # Those who may not see a confidential case's caller may not find it by the caller either.
            text, text_params = search.matching(self.terms, hide_confidential_contacts=self.restrict, dialect=dialect)
            clauses.append(text)
            params.extend(text_params)
        return " AND ".join(clauses), params


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


async def list_cases(db: Database, f: CaseFilter, sort: str, limit: int, offset: int) -> tuple[list[Row], int]:
    """One page of cases matching ``f`` and how many match in all."""
    where, params = f.where(db.dialect)
    rows = await db.fetchall(f"SELECT {_LIST_COLUMNS}{_FROM} WHERE {where} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
                             [*params, limit, offset])
    total = await db.fetchone(f"SELECT COUNT(*) AS n FROM cases c WHERE {where}", params)
    return rows, int(total["n"]) if total else 0


async def get_case(db: Database, case_id: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {_LIST_COLUMNS}, c.contact_name, c.contact_phone, c.photos, c.location, c.resolution,"
        f" c.reject_reason, c.rating_comment, c.created_by_client, c.resolution_due AS resolution_due_original"
        f"{_FROM} WHERE c.id = ?", (case_id,))


async def count_by_reporter(db: Database, client_id: str) -> int:
    """How many cases the client ``client_id`` reported."""
    row = await db.fetchone("SELECT COUNT(*) AS n FROM cases WHERE created_by_client = ?", (client_id,))
    return int(row["n"]) if row else 0


async def case_photos(db: Database, case_id: str) -> list[Row]:
    return await db.fetchall("SELECT photo_id, public, hlc, seq FROM case_photos WHERE case_id = ?"
                             " ORDER BY hlc, client_id", (case_id,))


async def case_notes(db: Database, case_id: str) -> list[Row]:
    return await db.fetchall("SELECT note_id, text, photos, author, public, hlc, seq FROM case_notes"
                             " WHERE case_id = ? ORDER BY hlc, client_id", (case_id,))


async def case_events(db: Database, case_id: str) -> list[Row]:
    """The case's log in commit order, with the name of the device each staff event came from."""
    return await db.fetchall(
        "SELECT e.seq, e.type, e.actor, e.payload, e.hlc, e.client_id, e.mid, e.created_at, d.name AS device_name,"
        " cl.kind AS client_kind"
        f" FROM events e LEFT JOIN devices d ON d.id = {db.dialect.json_int('e.actor', 'device_id')}"
        " LEFT JOIN clients cl ON cl.client_id = e.client_id"
        " WHERE e.case_id = ? ORDER BY e.seq", (case_id,))


async def merge_candidates(db: Database, case_id: str, community: str, site: str, statuses: tuple[str, ...],
                           created_from: str, created_before: str, limit: int) -> list[Row]:
    """Cases that ``case_id`` might repeat: in its community or at its site, in ``statuses``, created in
    ``[created_from, created_before)``, newest first."""
    return await db.fetchall(
        f"SELECT {_LIST_COLUMNS}{_FROM} WHERE c.id <> ? AND (c.community = ? OR c.site = ?)"
        f" AND c.status IN ({', '.join('?' for _ in statuses)}) AND c.created_at >= ? AND c.created_at < ?"
        " ORDER BY c.created_at DESC LIMIT ?", (case_id, community, site, *statuses, created_from, created_before, limit))


async def display_names(db: Database, user_ids: list[int]) -> dict[int, str]:
    """User id → display name (张敏) for the staff a timeline names, disabled accounts included."""
    if not user_ids:
        return {}
    rows = await db.fetchall(f"SELECT id, display_name FROM users WHERE id IN ({', '.join('?' for _ in user_ids)})",
                             user_ids)
    return {r["id"]: r["display_name"] for r in rows}


async def merged_into_this(db: Database, case_id: str) -> list[Row]:
    return await db.fetchall("SELECT id, number FROM cases WHERE duplicate_of = ? ORDER BY created_at", (case_id,))


async def stats_facts(db: Database, created_from: str, created_before: str) -> list[Row]:
    """Per case submitted in ``[created_from, created_before)``: what :mod:`server.stats` counts."""
    # One pass over the period's events, grouped by case, instead of two subqueries per case.
    return await db.fetchall(
        "WITH period AS (SELECT id FROM cases WHERE created_at >= ? AND created_at < ?),"
        " moves AS (SELECT e.case_id,"
        f"   MIN(CASE WHEN e.type IN ('case.accept', 'case.reject') THEN {db.dialect.json_text('e.payload', 'at')}"
        "     END) AS first_response_at,"
        "   SUM(CASE WHEN e.type = 'case.resolve' THEN 1 ELSE 0 END) AS times_resolved"
        "   FROM events e JOIN period p ON p.id = e.case_id"
        "   WHERE e.type IN ('case.accept', 'case.reject', 'case.resolve') GROUP BY e.case_id)"
        " SELECT c.id, c.site, c.community, c.category, c.team, c.status, c.created_at, c.response_due,"
        f" {RESOLUTION_DUE} AS resolution_due, c.resolved_at, c.rework_count, c.rating,"
        " m.first_response_at, COALESCE(m.times_resolved, 0) AS times_resolved"
        " FROM cases c JOIN period p ON p.id = c.id LEFT JOIN moves m ON m.case_id = c.id",
        (created_from, created_before))


async def names(db: Database, table: str) -> dict[str, str]:
    """Code → display name of every site, category or team (for labels in statistics)."""
    column = {"sites": "name", "categories": "name_zh", "teams": "name"}[table]
    rows = await db.fetchall(f"SELECT code, {column} AS label FROM {table}")
    return {r["code"]: r["label"] for r in rows}
