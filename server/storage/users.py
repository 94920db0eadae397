"""SQL for staff users, their sessions and their devices."""
from __future__ import annotations

from server.storage.db import Database, Row, Tx

ROLES = ("admin", "dispatcher", "field")


async def existing_usernames(tx: Tx) -> set[str]:
    return {r[0] for r in await tx.fetchall("SELECT username FROM users")}


async def insert_user(tx: Tx, username: str, display_name: str, role: str, team: str | None,
                      password_hash: str) -> int:
    row = await tx.fetchone(
        "INSERT INTO users(username, display_name, role, team, password_hash) VALUES (?, ?, ?, ?, ?) RETURNING id",
        (username, display_name, role, team, password_hash),
    )
    return int(row[0])


async def get_user(db: Database, username: str) -> Row | None:
    return await db.fetchone("SELECT * FROM users WHERE username = ?", (username,))


async def get_user_by_id(db: Database, user_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))


async def user_id(tx: Tx, username: str) -> int | None:
    row = await tx.fetchone("SELECT id FROM users WHERE username = ?", (username,))
    return int(row[0]) if row is not None else None


async def record_failed_login(tx: Tx, user_id: int, max_failures: int, lock_minutes: int) -> None:
    await tx.execute(
        "UPDATE users SET failed_logins = failed_logins + 1,"
        f" locked_until = CASE WHEN failed_logins + 1 >= ? THEN {tx.dialect.now_plus()} ELSE locked_until END"
        " WHERE id = ?",
        (max_failures, f"+{lock_minutes} minutes", user_id),
    )


async def record_login(tx: Tx, user_id: int) -> None:
    await tx.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", (user_id,))


async def set_password(tx: Tx, username: str, password_hash: str) -> bool:
    changed = await tx.execute(
        "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?",
        (password_hash, username))
    return changed == 1


async def set_active(tx: Tx, username: str, active: bool) -> int | None:
    """Enable or disable a user; disabling also revokes every session and device. Returns the user id."""
    found = await user_id(tx, username)
    if found is None:
        return None
    await tx.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), found))
    if not active:
        await revoke_all(tx, found)
    return found


async def revoke_all(tx: Tx, user_id: int) -> None:
    now = tx.dialect.now()
    await tx.execute(f"UPDATE sessions SET revoked_at = {now} WHERE user_id = ? AND revoked_at IS NULL", (user_id,))
    await tx.execute(f"UPDATE devices SET revoked_at = {now} WHERE user_id = ? AND revoked_at IS NULL", (user_id,))


async def insert_session(tx: Tx, token_hash: str, user_id: int, ttl_hours: int) -> None:
    await tx.execute(f"INSERT INTO sessions(token_hash, user_id, expires_at) VALUES (?, ?, {tx.dialect.now_plus()})",
                     (token_hash, user_id, f"+{ttl_hours} hours"))


async def insert_device(tx: Tx, token_hash: str, user_id: int, name: str) -> int:
    row = await tx.fetchone("INSERT INTO devices(token_hash, user_id, name) VALUES (?, ?, ?) RETURNING id",
                            (token_hash, user_id, name))
    return int(row[0])


async def revoke_session(tx: Tx, token_hash: str) -> None:
    await tx.execute(f"UPDATE sessions SET revoked_at = {tx.dialect.now()}"
                     " WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,))


async def revoke_device(tx: Tx, device_id: int) -> None:
    await tx.execute(f"UPDATE devices SET revoked_at = {tx.dialect.now()} WHERE id = ? AND revoked_at IS NULL",
                     (device_id,))


_LIVE_USER = "u.active = 1"


async def user_for_session(db: Database, token_hash: str) -> Row | None:
    return await db.fetchone(
        "SELECT u.*, NULL AS device_id FROM sessions s JOIN users u ON u.id = s.user_id"
        f" WHERE s.token_hash = ? AND s.revoked_at IS NULL AND {_LIVE_USER}"
        f" AND s.expires_at > {db.dialect.now()}", (token_hash,))


async def user_for_device(db: Database, token_hash: str) -> Row | None:
    return await db.fetchone(
        "SELECT u.*, d.id AS device_id FROM devices d JOIN users u ON u.id = d.user_id"
        f" WHERE d.token_hash = ? AND d.revoked_at IS NULL AND {_LIVE_USER}", (token_hash,))


USER_COLUMNS = "id, username, display_name, role, team, active, locked_until, created_at"


async def list_users(db: Database, role: str | None = None, team: str | None = None,
                     active_only: bool = False) -> list[Row]:
    sql, params = f"SELECT {USER_COLUMNS} FROM users WHERE 1=1", []
    if role is not None:
        sql += " AND role = ?"
        params.append(role)
    if team is not None:
        sql += " AND team = ?"
        params.append(team)
    if active_only:
        sql += " AND active = 1"
    return await db.fetchall(sql + " ORDER BY active DESC, role, username", params)


async def update_user(tx: Tx, username: str, changes: dict[str, object]) -> bool:
    assert set(changes) <= {"display_name", "role", "team"}
    if not changes:
        return await user_id(tx, username) is not None
    assignments = ", ".join(f"{column} = ?" for column in changes)
    return await tx.execute(f"UPDATE users SET {assignments} WHERE username = ?", (*changes.values(), username)) == 1


async def count_active_admins(tx: Tx) -> int:
    row = await tx.fetchone("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
    return int(row[0])
