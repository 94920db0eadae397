-- The sync queue: clients and their mutation ledger, the event log, and cases as the fold of their events.
-- Status, channel and other names are checked by the engine against sync/names.py; the SQL does not repeat them.

CREATE TABLE clients (
    client_id   TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    last_mid    INTEGER NOT NULL DEFAULT 0 CHECK (last_mid >= 0),
    last_hlc    TEXT NOT NULL DEFAULT '',
    user_id     INTEGER REFERENCES users(id),
    site        TEXT REFERENCES sites(code),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- An acknowledged mutation is never applied twice: the watermark only moves forward.
CREATE TRIGGER clients_last_mid_forward BEFORE UPDATE OF last_mid ON clients
WHEN NEW.last_mid < OLD.last_mid
BEGIN
    SELECT RAISE(ABORT, 'last_mid never goes back');
END;

-- One row per mutation a client sent past its watermark, with what it came to and the events it caused.
CREATE TABLE mutations (
    client_id   TEXT NOT NULL REFERENCES clients(client_id),
    mid         INTEGER NOT NULL CHECK (mid > 0),
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT,
    seq_from    INTEGER,
    seq_to      INTEGER,
    PRIMARY KEY (client_id, mid)
) WITHOUT ROWID;

-- The current state of each case: the fold of its events, written in the transaction that adds them.
CREATE TABLE cases (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    track_token         TEXT NOT NULL UNIQUE,
    site                TEXT NOT NULL REFERENCES sites(code),
    community           TEXT NOT NULL,
    category            TEXT NOT NULL REFERENCES categories(code),
    description         TEXT NOT NULL,
    contact_name        TEXT,
    contact_phone       TEXT,
    photos              TEXT NOT NULL DEFAULT '[]',
    location            TEXT,
    channel             TEXT NOT NULL,
    status              TEXT NOT NULL,
    team                TEXT REFERENCES teams(code),
    assignee            INTEGER REFERENCES users(id),
    priority            TEXT NOT NULL,
    response_due        TEXT NOT NULL,
    resolution_due      TEXT NOT NULL,
    accepted_at         TEXT,
    resolved_at         TEXT,
    closed_at           TEXT,
    resolution          TEXT,
    reject_reason       TEXT,
    rating              TEXT,
    rating_comment      TEXT,
    rework_count        INTEGER NOT NULL DEFAULT 0,
    duplicate_of        TEXT REFERENCES cases(id),
    extended_until      TEXT,
    created_by_client   TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_seq         INTEGER NOT NULL,
    assignee_rev        TEXT NOT NULL,
    priority_rev        TEXT NOT NULL,
    category_rev        TEXT NOT NULL,
    location_rev        TEXT NOT NULL
);
CREATE INDEX cases_created_by_client ON cases(created_by_client);
CREATE INDEX cases_team ON cases(team);
CREATE INDEX cases_assignee ON cases(assignee) WHERE assignee IS NOT NULL;

-- Append-only sets: a note or photo is added once, keyed by its id, and ordered by (hlc, client_id).
CREATE TABLE case_notes (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    note_id     TEXT NOT NULL,
    text        TEXT NOT NULL,
    photos      TEXT NOT NULL DEFAULT '[]',
    author      TEXT NOT NULL,
    public      INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (case_id, note_id)
) WITHOUT ROWID;

CREATE TABLE case_photos (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    photo_id    TEXT NOT NULL,
    public      INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (case_id, photo_id)
) WITHOUT ROWID;

-- The log. seq is the commit order: one writer assigns it inside its transaction, so a reader never sees a
-- higher seq committed before a lower one; AUTOINCREMENT keeps a seq from ever being reused.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    type        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    mid         INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, seq);

-- The last number given out per local day, for case numbers like BL20261127-0042.
CREATE TABLE case_counters (
    day         TEXT PRIMARY KEY,
    last        INTEGER NOT NULL
) WITHOUT ROWID;
