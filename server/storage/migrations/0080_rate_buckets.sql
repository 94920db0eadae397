-- The public write limits (server/ratelimit.py): one token bucket per kind of write and client id or address, kept in
-- the database so that every worker counts against the same bucket. A missing row is a full bucket: a row is
-- deleted once it has refilled (full_at_ms), so the table holds only the callers who wrote lately.
CREATE TABLE rate_buckets (
    key         TEXT PRIMARY KEY,           -- 'photo:client:<client id>', 'case:address:<ip>', …
    tokens      DOUBLE PRECISION NOT NULL,  -- what was left at at_ms
    at_ms       BIGINT NOT NULL,            -- ms since the epoch
    full_at_ms  BIGINT NOT NULL             -- when it will have refilled, and may be forgotten
);
CREATE INDEX rate_buckets_full ON rate_buckets(full_at_ms);
