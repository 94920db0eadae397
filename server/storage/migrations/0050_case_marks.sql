-- Two marks a case may carry from the 12345 hotline (or from a dispatcher logging a call): 是否保密 (the caller
-- is shown to dispatchers and admins only) and 是否回复 (the caller wants a call back). Both are part of the fold
-- of the case's events (sync/fold.py): the creation event records them.
ALTER TABLE cases ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN callback INTEGER NOT NULL DEFAULT 0;
