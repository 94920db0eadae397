-- Photos residents and staff upload, re-encoded to JPEG (no EXIF, so no GPS) before they are stored.
-- Kept in the database beside the cases that name them, so a backup of the database is a backup of everything.

CREATE TABLE photos (
    id          TEXT PRIMARY KEY,          -- 128 random bits: an id cannot be guessed from another
    jpeg        BYTEA NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    client_id   TEXT,                      -- the uploading client, so it may see its own photo
    upload_key  TEXT,                      -- the client's key for this upload: a retried upload is not stored twice
    created_at  TEXT NOT NULL DEFAULT iso_now()
);
CREATE UNIQUE INDEX photos_upload ON photos(client_id, upload_key) WHERE upload_key IS NOT NULL;
