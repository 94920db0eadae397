-- Reference data: teams, sites, categories, and staff users.

CREATE TABLE teams (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('vanguard', 'grid', 'property', 'mediation', 'department')),
    community   TEXT,
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sites (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('community', 'residential', 'industrial_park',
                                               'construction_site', 'street', 'service_centre')),
    community     TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    default_team  TEXT REFERENCES teams(code),
    active        INTEGER NOT NULL DEFAULT 1,
    retired_at    TEXT,
    replaced_by   TEXT REFERENCES sites(code),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX sites_community ON sites(community);

CREATE TABLE categories (
    code                    TEXT PRIMARY KEY,
    name_zh                 TEXT NOT NULL,
    name_en                 TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('consultation', 'help', 'suggestion', 'complaint')),
    response_limit_minutes  INTEGER NOT NULL CHECK (response_limit_minutes > 0),
    resolution_limit_days   INTEGER NOT NULL CHECK (resolution_limit_days > 0),
    default_team            TEXT REFERENCES teams(code),
    urgent                  INTEGER NOT NULL DEFAULT 0,
    icon                    TEXT NOT NULL DEFAULT '',
    sort                    INTEGER NOT NULL DEFAULT 0,
    active                  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'dispatcher', 'field')),
    team            TEXT REFERENCES teams(code),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
