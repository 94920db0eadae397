"""SQL for the lock-out: failed sign-ins per username (see migration 0030), read and written in one transaction.

Times are ISO UTC strings of one format (``2026-11-27T01:00:00.000Z``), compared as strings.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.storage.db import Database, Tx

FAILED, LOCKED, SIGNED_IN = "failed", "locked", "signed_in"


@dataclass(frozen=True)
class Failures:
    """A username's current run of failed sign-ins."""

    failures: int
    first_failed_at: str
    locked_until: str | None

    def locked(self, now: str) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def over(self, now: str, window_start: str) -> bool:
        """Whether the run has ended: its lock expired, or it began before the lock period now ending."""
        expired = self.locked_until is not None and self.locked_until <= now
        return expired or self.first_failed_at <= window_start


NONE = Failures(0, "", None)


async def current(db: Database, username: str) -> Failures:
    """The username's run of failures as last committed (on the reader)."""
    row = await db.fetchone("SELECT failures, first_failed_at, locked_until FROM login_failures WHERE username = ?",
                            (username,))
    return Failures(row[0], row[1], row[2]) if row is not None else NONE


async def record(tx: Tx, username: str, ok: bool, seen: Failures, *, now: str,
                 window_start: str, lock_until: str, max_failures: int) -> str:
    """Record one checked password for ``username`` and say what it comes to: :data:`LOCKED` (a lock is in force,
    whatever the password), :data:`FAILED`, or :data:`SIGNED_IN`. Call inside a write transaction: reading the
    count, checking the lock and recording are then one atomic step, so parallel guesses cannot all pass.

    ``seen`` is the run as it stood when this attempt began. A success clears the failures it saw; failures
    recorded while its password was being checked (parallel guesses) stay counted.
    """
    row = await tx.fetchone(
        "SELECT failures, first_failed_at, locked_until FROM login_failures WHERE username = ?", (username,))
    run = Failures(row[0], row[1], row[2]) if row is not None else None
    if run is not None and run.locked(now):
        return LOCKED
    fresh = run is None or run.over(now, window_start)
    if ok:
        left = 0
        if run is not None and not fresh:
            # Failures of a run that began after this attempt did were all made while it was being checked.
            left = run.failures - seen.failures if run.first_failed_at == seen.first_failed_at else run.failures
        if left > 0:
            await tx.execute("UPDATE login_failures SET failures = ? WHERE username = ?", (left, username))
        else:
            await tx.execute("DELETE FROM login_failures WHERE username = ?", (username,))
        return SIGNED_IN
    failures = 1 if fresh or run is None else run.failures + 1
    first = now if fresh or run is None else run.first_failed_at
    await tx.execute(
        "INSERT INTO login_failures(username, failures, first_failed_at, locked_until) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(username) DO UPDATE SET failures = excluded.failures,"
        " first_failed_at = excluded.first_failed_at, locked_until = excluded.locked_until",
        (username, failures, first, lock_until if failures >= max_failures else None))
    # Runs that are over are the same as none: dropping them keeps a guesser's made-up names from piling up.
    await tx.execute("DELETE FROM login_failures WHERE (locked_until IS NULL OR locked_until <= ?)"
                       " AND first_failed_at <= ?", (now, window_start))
    return FAILED
