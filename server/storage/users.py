"""SQL for staff users, their sessions and their devices."""
from __future__ import annotations

from server.storage.db import Database, Dialect, Row, Tx

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


def _lock(dialect: Dialect) -> str:
    """A user's lock-out lives in login_failures (which also holds names that belong to nobody); shown while in
    force."""
    return f"LEFT JOIN login_failures f ON f.username = u.username AND f.locked_until > {dialect.now()}"


async def get_user(db: Database, username: str) -> Row | None:
    return await db.fetchone(f"SELECT u.*, f.locked_until FROM users u {_lock(db.dialect)} WHERE u.username = ?",
                             (username,))


async def get_user_by_id(db: Database, user_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))


async def user_id(tx: Tx, username: str) -> int | None:
    row = await tx.fetchone("SELECT id FROM users WHERE username = ?", (username,))
    return int(row[0]) if row is not None else None


async def set_password(tx: Tx, username: str, password_hash: str) -> bool:
    """Give the user a new password; it also lifts a lock-out (the new one has never been guessed at)."""
    if await tx.execute("UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)) != 1:
        return False
    await tx.execute("DELETE FROM login_failures WHERE username = ?", (username,))
    return True


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


def _live_device(dialect: Dialect) -> str:
    """A device token lasts ``device_token_days`` from its last use (its issue, before the first): each use renews
    it. Takes one parameter, :func:`_days_ago`."""
    return f"d.revoked_at IS NULL AND COALESCE(d.last_seen, d.created_at) > {dialect.now_plus()}"


def _days_ago(days: int) -> str:
    return f"-{days} days"


async def user_for_session(db: Database, token_hash: str) -> Row | None:
    return await db.fetchone(
        "SELECT u.*, NULL AS device_id FROM sessions s JOIN users u ON u.id = s.user_id"
        f" WHERE s.token_hash = ? AND s.revoked_at IS NULL AND {_LIVE_USER}"
        f" AND s.expires_at > {db.dialect.now()}", (token_hash,))


async def user_for_device(db: Database, token_hash: str, ttl_days: int) -> Row | None:
    """The user behind a device token still in force, with the device's id and when it was last used."""
    return await db.fetchone(
        "SELECT u.*, d.id AS device_id, d.last_seen AS device_seen FROM devices d JOIN users u ON u.id = d.user_id"
        f" WHERE d.token_hash = ? AND {_live_device(db.dialect)} AND {_LIVE_USER}",
        (token_hash, _days_ago(ttl_days)))


async def touch_device(tx: Tx, device_id: int) -> None:
    await tx.execute(f"UPDATE devices SET last_seen = {tx.dialect.now()} WHERE id = ?", (device_id,))


async def sign_in_valid(db: Database, session: str | None, device_id: int | None, device_ttl_days: int) -> bool:
    """Whether a sign-in still stands: its device (or else its session) not revoked or expired, its user active."""
    if device_id is not None:
        row = await db.fetchone(
            "SELECT 1 FROM devices d JOIN users u ON u.id = d.user_id"
            f" WHERE d.id = ? AND {_live_device(db.dialect)} AND {_LIVE_USER}", (device_id, _days_ago(device_ttl_days)))
    else:
        row = await db.fetchone(
            "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id"
            f" WHERE s.token_hash = ? AND s.revoked_at IS NULL AND {_LIVE_USER}"
            f" AND s.expires_at > {db.dialect.now()}", (session,))
    return row is not None


USER_COLUMNS = "u.id, u.username, u.display_name, u.role, u.team, u.active, f.locked_until, u.created_at"


async def list_users(db: Database, role: str | None = None, team: str | None = None,
                     active_only: bool = False) -> list[Row]:
    sql, params = f"SELECT {USER_COLUMNS} FROM users u {_lock(db.dialect)} WHERE 1=1", []
    if role is not None:
        sql += " AND u.role = ?"
        params.append(role)
    if team is not None:
        sql += " AND u.team = ?"
        params.append(team)
    if active_only:
        sql += " AND u.active = 1"
    return await db.fetchall(sql + " ORDER BY u.active DESC, u.role, u.username", params)


async def update_user(tx: Tx, username: str, changes: dict[str, object]) -> bool:
    assert set(changes) <= {"display_name", "role", "team"}
    if not changes:
        return await user_id(tx, username) is not None
    assignments = ", ".join(f"{column} = ?" for column in changes)
    return await tx.execute(f"UPDATE users SET {assignments} WHERE username = ?", (*changes.values(), username)) == 1


async def count_active_admins(tx: Tx) -> int:
    row = await tx.fetchone("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
    return int(row[0])
