-- Free-text search for the console: case numbers, descriptions, the reporter's name and phone, and notes.
-- One row per searchable text of a case (``field`` says which), so a note is one more row rather than a rewrite of
-- the case's row. The trigram tokenizer finds any substring of three or more characters, which is what Chinese
-- text needs (no word boundaries); shorter queries are matched by scanning (server/storage/search.py). Site names
-- are not copied here: a renamed site would leave stale rows, and the sites table is small enough to scan.
-- The sync engine adds rows in the transaction that writes the case or note (server/storage/engine.py).
CREATE VIRTUAL TABLE case_search USING fts5(case_id UNINDEXED, field UNINDEXED, body, tokenize = 'trigram');

INSERT INTO case_search(case_id, field, body) SELECT id, 'number', number FROM cases;
INSERT INTO case_search(case_id, field, body) SELECT id, 'description', description FROM cases;
INSERT INTO case_search(case_id, field, body)
    SELECT id, 'phone', contact_phone FROM cases WHERE COALESCE(contact_phone, '') <> '';
INSERT INTO case_search(case_id, field, body)
    SELECT id, 'name', contact_name FROM cases WHERE COALESCE(contact_name, '') <> '';
INSERT INTO case_search(case_id, field, body) SELECT case_id, 'note', text FROM case_notes;
