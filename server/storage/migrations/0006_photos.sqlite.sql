-- Photos residents and staff upload, re-encoded to JPEG (no EXIF, so no GPS) before they are stored.
-- Kept in the database beside the cases that name them, so one file holds everything and a backup is one copy.

CREATE TABLE photos (
    id          TEXT PRIMARY KEY,          -- 128 random bits: an id cannot be guessed from another
    jpeg        BLOB NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    client_id   TEXT,                      -- the uploading client, so it may see its own photo
    upload_key  TEXT,                      -- the client's key for this upload: a retried upload is not stored twice
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE UNIQUE INDEX photos_upload ON photos(client_id, upload_key) WHERE upload_key IS NOT NULL;
