-- Free-text search for the console: case numbers, descriptions, the reporter's name and phone, and notes.
-- One row per searchable text of a case (``field`` says which), so a note is one more row rather than a rewrite of
-- the case's row. pg_trgm's GIN index answers ILIKE '%…%' for any substring of three or more characters, which is
-- what Chinese text needs (no word boundaries); shorter queries are matched by scanning (server/storage/search.py).
-- Site names are not copied here: a renamed site would leave stale rows, and the sites table is small enough to
-- scan. The sync engine adds rows in the transaction that writes the case or note (server/storage/engine.py).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE case_search (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    field    TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX case_search_body ON case_search USING gin (body gin_trgm_ops);
CREATE INDEX case_search_case ON case_search(case_id);

INSERT INTO case_search(case_id, field, body) SELECT id, 'number', number FROM cases;
INSERT INTO case_search(case_id, field, body) SELECT id, 'description', description FROM cases;
INSERT INTO case_search(case_id, field, body)
    SELECT id, 'phone', contact_phone FROM cases WHERE COALESCE(contact_phone, '') <> '';
INSERT INTO case_search(case_id, field, body)
    SELECT id, 'name', contact_name FROM cases WHERE COALESCE(contact_name, '') <> '';
INSERT INTO case_search(case_id, field, body) SELECT case_id, 'note', text FROM case_notes;
