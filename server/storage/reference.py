"""SQL for the reference data: sites, categories and teams."""
from __future__ import annotations

from typing import Any, Iterable

from server.storage.db import Database, Row, Tx

SITE_KINDS = ("community", "residential", "industrial_park", "construction_site", "street", "service_centre")
TEAM_KINDS = ("vanguard", "grid", "property", "mediation", "department")

_SITE_COLUMNS = "code, name, kind, community, address, default_team, active, retired_at, replaced_by"


def site_dict(row: Row, public: bool = True) -> dict[str, Any]:
    d = {"code": row["code"], "name": row["name"], "kind": row["kind"], "community": row["community"]}
    if not public:
        d.update(address=row["address"], default_team=row["default_team"], active=bool(row["active"]),
                 retired_at=row["retired_at"], replaced_by=row["replaced_by"])
    return d


async def list_sites(db: Database, community: str | None = None, include_retired: bool = False) -> list[Row]:
    sql = f"SELECT {_SITE_COLUMNS} FROM sites WHERE 1=1"
    params: list[Any] = []
    if not include_retired:
        sql += " AND active = 1"
    if community is not None:
        sql += " AND community = ?"
        params.append(community)
    return await db.fetchall(sql + " ORDER BY community, code", params)


async def get_site(db: Database, code: str) -> Row | None:
    return await db.fetchone(f"SELECT {_SITE_COLUMNS} FROM sites WHERE code = ?", (code,))


async def insert_site(tx: Tx, site: dict[str, Any]) -> None:
    await tx.execute(
        "INSERT INTO sites(code, name, kind, community, address, default_team) VALUES (?, ?, ?, ?, ?, ?)",
        (site["code"], site["name"], site["kind"], site["community"], site.get("address", ""),
         site.get("default_team") or None),
    )


async def retire_site(tx: Tx, code: str, replaced_by: str | None) -> bool:
    changed = await tx.execute(
        f"UPDATE sites SET active = 0, retired_at = {tx.dialect.now()}, replaced_by = ? WHERE code = ? AND active = 1",
        (replaced_by, code),
    )
    return changed == 1


async def existing_codes(tx: Tx, table: str) -> set[str]:
    assert table in {"sites", "teams", "categories"}
    return {r[0] for r in await tx.fetchall(f"SELECT code FROM {table}")}


async def list_categories(db: Database) -> list[Row]:
    return await db.fetchall("SELECT * FROM categories WHERE active = 1 ORDER BY sort, code")


async def list_teams(db: Database) -> list[Row]:
    return await db.fetchall("SELECT * FROM teams WHERE active = 1 ORDER BY kind, code")


async def upsert_many(tx: Tx, table: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows whose code is new; rows already present are left as they are. Returns how many were added."""
    assert table in {"sites", "teams", "categories"}
    added = 0
    for row in rows:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        added += await tx.execute(f"INSERT INTO {table}({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING",
                                  tuple(row.values()))
    return added


SITE_EDITABLE = ("name", "kind", "community", "address", "default_team")
CATEGORY_COLUMNS = ("code", "name_zh", "name_en", "kind", "response_limit_minutes", "resolution_limit_days",
                    "default_team", "urgent", "icon", "sort", "active")
TEAM_COLUMNS = ("code", "name", "kind", "community", "active")


async def update_row(tx: Tx, table: str, code: str, changes: dict[str, Any]) -> bool:
    """Set the given columns of one sites/categories/teams row; False when no row has that code."""
    allowed = {"sites": SITE_EDITABLE, "categories": CATEGORY_COLUMNS[1:], "teams": TEAM_COLUMNS[1:]}[table]
    assert set(changes) <= set(allowed), set(changes) - set(allowed)
    if not changes:
        return await tx.fetchone(f"SELECT 1 FROM {table} WHERE code = ?", (code,)) is not None
    assignments = ", ".join(f"{column} = ?" for column in changes)
    return await tx.execute(f"UPDATE {table} SET {assignments} WHERE code = ?", (*changes.values(), code)) == 1


async def get_row(tx: Tx, table: str, code: str) -> Row | None:
    assert table in {"sites", "teams", "categories"}
    return await tx.fetchone(f"SELECT * FROM {table} WHERE code = ?", (code,))


async def codes_with_prefix(tx: Tx, prefix: str) -> list[str]:
    return [r[0] for r in await tx.fetchall(
        "SELECT code FROM sites WHERE substr(code, 1, ?) = ?", (len(prefix), prefix))]


async def all_categories(db: Database) -> list[Row]:
    """Every category, retired ones included (for the admin pages)."""
    return await db.fetchall("SELECT * FROM categories ORDER BY active DESC, sort, code")


async def all_teams(db: Database) -> list[Row]:
    return await db.fetchall("SELECT * FROM teams ORDER BY active DESC, kind, code")


async def all_sites(db: Database) -> list[Row]:
    return await db.fetchall("SELECT * FROM sites ORDER BY active DESC, community, code")


async def insert_row(tx: Tx, table: str, row: dict[str, Any]) -> None:
    assert table in {"teams", "categories"}
    columns = {"teams": TEAM_COLUMNS, "categories": CATEGORY_COLUMNS}[table]
    assert set(row) <= set(columns)
    await tx.execute(f"INSERT INTO {table}({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                       tuple(row.values()))


def category_dict(row: Row) -> dict[str, Any]:
    return {c: (bool(row[c]) if c in {"urgent", "active"} else row[c]) for c in CATEGORY_COLUMNS}


def team_dict(row: Row) -> dict[str, Any]:
    return {c: (bool(row[c]) if c == "active" else row[c]) for c in TEAM_COLUMNS}
