"""SQL for Open311: API keys, the requests posted with them, and the public reads of cases and their steps.

Public reads never select a contact column, and leave out confidential cases (是否保密) altogether.
"""
from __future__ import annotations

from typing import Any, Sequence

from server.storage.db import Database, Row, Tx

# Status moves in the log: the steps servicerequestupdates reports (sync.lifecycle.TRANSITIONS).
STEP_TYPES = ("case.accept", "case.reject", "case.dispatch", "case.start", "case.resolve", "case.close",
              "case.reopen", "case.withdraw", "case.merge", "case.return", "case.rate")


def _marks(n: int) -> str:
    return ", ".join("?" * n)


# --- keys -----------------------------------------------------------------------------------------------------

async def insert_key(tx: Tx, name: str, key_hash: str, client_id: str, site: str) -> None:
    await tx.execute("INSERT INTO api_keys(name, key_hash, client_id, site) VALUES (?, ?, ?, ?)",
                       (name, key_hash, client_id, site))


async def key_names(tx: Tx) -> set[str]:
    return {r[0] for r in await tx.fetchall("SELECT name FROM api_keys")}


async def list_keys(db: Database) -> list[Row]:
    return await db.fetchall("SELECT id, name, site, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id")


async def revoke_key(tx: Tx, name: str) -> bool:
    changed = await tx.execute(f"UPDATE api_keys SET revoked_at = {tx.dialect.now()}"
                               " WHERE name = ? AND revoked_at IS NULL", (name,))
    return changed == 1


async def key_by_hash(db: Database, key_hash: str) -> Row | None:
    """The key with this hash that is still valid (not revoked)."""
    return await db.fetchone("SELECT id, name, client_id, site FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                             (key_hash,))


# --- posted requests ------------------------------------------------------------------------------------------

_RETRY = ("SELECT c.number FROM open311_requests o JOIN cases c ON c.id = o.case_id"
          " WHERE o.key_id = ? AND o.body_hash = ? AND o.created_at >= ? ORDER BY o.created_at DESC LIMIT 1")


async def retried(db: Database, key_id: int, body_hash: str, since: str) -> str | None:
    """The number of the case that the same request (key and parameters) created since ``since``, if any."""
    row = await db.fetchone(_RETRY, (key_id, body_hash, since))
    return row[0] if row else None


async def retried_in(tx: Tx, key_id: int, body_hash: str, since: str) -> str | None:
    """:func:`retried` inside the write transaction, where a retry that raced the first request is seen."""
    row = await tx.fetchone(_RETRY, (key_id, body_hash, since))
    return row[0] if row else None


async def record_request(tx: Tx, request: dict[str, Any]) -> None:
    await tx.execute(
        "INSERT INTO open311_requests(case_id, key_id, token, body_hash, media_url, address_string, email, created_at)"
        " VALUES (:case_id, :key_id, :token, :body_hash, :media_url, :address_string, :email, :created_at)", request)
    await tx.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (request["created_at"], request["key_id"]))


async def number_for_token(db: Database, token: str) -> str | None:
    row = await db.fetchone("SELECT c.number FROM open311_requests o JOIN cases c ON c.id = o.case_id"
                            " WHERE o.token = ?", (token,))
    return row[0] if row else None


async def staff_details(db: Database, case_id: str) -> Row | None:
    """What an Open311 request carried beyond the case, for staff: the key's name, media, address, email."""
    return await db.fetchone(
        "SELECT k.name AS api_key, o.media_url, o.address_string, o.email FROM open311_requests o"
        " JOIN api_keys k ON k.id = o.key_id WHERE o.case_id = ?", (case_id,))


# --- public reads ---------------------------------------------------------------------------------------------

_PUBLIC = (
    "SELECT c.id, c.number, c.status, c.category, k.name_zh AS service_name, c.description, t.name AS team_name,"
    " c.created_at, u.created_at AS updated_at, COALESCE(c.extended_until, c.resolution_due) AS expected_at,"
    " c.location, c.site, s.name AS site_name, s.address AS site_address, c.community, c.resolution,"
    " c.reject_reason, d.number AS duplicate_of_number, o.media_url, o.address_string"
    " FROM cases c JOIN categories k ON k.code = c.category LEFT JOIN teams t ON t.code = c.team"
    " LEFT JOIN sites s ON s.code = c.site LEFT JOIN events u ON u.seq = c.updated_seq"
    " LEFT JOIN cases d ON d.id = c.duplicate_of LEFT JOIN open311_requests o ON o.case_id = c.id"
    " WHERE c.confidential = 0"
)


async def requests_by_number(db: Database, numbers: Sequence[str]) -> list[Row]:
    return await db.fetchall(f"{_PUBLIC} AND c.number IN ({_marks(len(numbers))}) ORDER BY c.created_at DESC, c.number",
                             list(numbers))


async def requests_between(db: Database, start: str, end: str, codes: Sequence[str], statuses: Sequence[str],
                           limit: int, offset: int) -> list[Row]:
    """Public cases submitted in ``[start, end]`` (UTC ISO strings), newest first."""
    sql, params = f"{_PUBLIC} AND c.created_at >= ? AND c.created_at <= ?", [start, end]
    if codes:
        sql += f" AND c.category IN ({_marks(len(codes))})"
        params.extend(codes)
    if statuses:
        sql += f" AND c.status IN ({_marks(len(statuses))})"
        params.extend(statuses)
    return await db.fetchall(sql + " ORDER BY c.created_at DESC, c.number LIMIT ? OFFSET ?", [*params, limit, offset])


async def category_codes(db: Database, active_only: bool) -> set[str]:
    rows = await db.fetchall("SELECT code FROM categories" + (" WHERE active = 1" if active_only else ""))
    return {r[0] for r in rows}


async def services(db: Database) -> list[Row]:
    return await db.fetchall("SELECT code, name_zh, name_en, kind, response_limit_minutes, resolution_limit_days"
                             " FROM categories WHERE active = 1 ORDER BY sort, code")


async def steps_between(db: Database, start: str, end: str, limit: int, offset: int) -> list[Row]:
    """Status moves recorded in ``[start, end]`` on public cases, in commit order."""
    return await db.fetchall(
        "SELECT e.seq, e.type, e.payload, e.created_at, c.number, c.resolution, m.number AS merged_into"
        " FROM events e JOIN cases c ON c.id = e.case_id"
        f" LEFT JOIN cases m ON m.id = {db.dialect.json_text('e.payload', 'into')}"
        f" WHERE e.created_at >= ? AND e.created_at <= ? AND e.type IN ({_marks(len(STEP_TYPES))})"
        " AND c.confidential = 0 ORDER BY e.seq LIMIT ? OFFSET ?", [start, end, *STEP_TYPES, limit, offset])


async def active_sites(db: Database) -> set[str]:
    return {r[0] for r in await db.fetchall("SELECT code FROM sites WHERE active = 1")}
