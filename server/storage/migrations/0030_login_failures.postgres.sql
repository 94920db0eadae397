-- Failed sign-ins per username, known or not: a name that belongs to nobody is locked out exactly like a real one,
-- so the answers to a guesser never tell which usernames exist. A run of failures counts from its first one; it
-- ends when the lock it led to expires, or when it is older than the lock period, and a new count starts.

CREATE TABLE login_failures (
    username         TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL CHECK (failures >= 0),
    first_failed_at  TEXT NOT NULL,
    locked_until     TEXT
);

INSERT INTO login_failures(username, failures, first_failed_at, locked_until)
    SELECT username, failed_logins, iso_now(), locked_until FROM users
    WHERE failed_logins > 0 OR locked_until IS NOT NULL;

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
