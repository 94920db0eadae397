-- Resumable uploads (tus 1.0.0): an upload and the chunks received so far, in the database like everything else,
-- so an acknowledged chunk is as durable as an acknowledged mutation, and every worker sees every upload.
-- Photos learn who uploaded them (a staff user, not only a device) and keep a small rendition for thumbnails.

ALTER TABLE photos ADD COLUMN user_id BIGINT REFERENCES users(id);  -- staff uploader: any of their devices may use it
ALTER TABLE photos ADD COLUMN small BYTEA;                           -- ≤ 320 px JPEG; NULL until first asked for (older rows)

-- Photos that staff phones uploaded before: the device's sync client names its user.
UPDATE photos SET user_id = (SELECT c.user_id FROM clients c
                             WHERE c.client_id = photos.client_id AND c.kind IN ('field', 'console'))
 WHERE client_id IS NOT NULL;

CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,          -- 128 random bits, the last part of the upload's URL
    kind        TEXT NOT NULL,             -- photo | voice
    length      BIGINT NOT NULL,           -- Upload-Length: the whole file, in bytes
    received    BIGINT NOT NULL DEFAULT 0, -- Upload-Offset: bytes held in upload_chunks
    metadata    TEXT NOT NULL,             -- Upload-Metadata as sent, echoed on HEAD
    client_id   TEXT,                      -- the resident's client id (staff: the device's, if it sent one)
    user_id     BIGINT REFERENCES users(id),
    expires_ms  BIGINT NOT NULL,           -- the cleanup deletes the upload after this (ms since the epoch)
    media_id    TEXT REFERENCES photos(id),-- set once the whole file was processed
    error       TEXT,                      -- set instead when it never can be: code, message, HTTP status
    message     TEXT,
    status      INTEGER,
    created_at  TEXT NOT NULL DEFAULT iso_now()
);
CREATE INDEX uploads_expiry ON uploads(expires_ms);

CREATE TABLE upload_chunks (
    upload_id   TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    start       BIGINT NOT NULL,           -- offset of the chunk's first byte
    data        BYTEA NOT NULL,
    PRIMARY KEY (upload_id, start)
);
