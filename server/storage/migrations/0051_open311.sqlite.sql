-- Open311 GeoReport v2: API keys (only a SHA-256 of each key is kept, as for device tokens) and what each POSTed
-- request carried beyond the case itself.

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    key_hash     TEXT NOT NULL UNIQUE,
    client_id    TEXT NOT NULL UNIQUE,            -- the key's own sync client: its cases are its mutations
    site         TEXT NOT NULL REFERENCES sites(code),  -- where requests without an address_id are filed
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    last_used_at TEXT,
    revoked_at   TEXT
);

-- One row per case created through Open311. ``body_hash`` (the key and the request's parameters) finds a retried
-- POST within the retry window; ``token`` answers tokens/{token}; the rest is shown only as the spec allows
-- (media_url, address_string) or to staff (email).
CREATE TABLE open311_requests (
    case_id         TEXT PRIMARY KEY REFERENCES cases(id),
    key_id          INTEGER NOT NULL REFERENCES api_keys(id),
    token           TEXT NOT NULL UNIQUE,
    body_hash       TEXT NOT NULL,
    media_url       TEXT,
    address_string  TEXT,
    email           TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX open311_requests_retry ON open311_requests(key_id, body_hash, created_at);

-- GET requests and servicerequestupdates select by time: the newest cases, the events of a period.
CREATE INDEX cases_open311_created ON cases(created_at);
CREATE INDEX events_open311_created ON events(created_at);
