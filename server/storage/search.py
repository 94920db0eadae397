"""SQL of the console's free-text search: the ``case_search`` index and the conditions that find cases by number,
description, the reporter's name and phone, notes and site name, on SQLite and PostgreSQL alike.

The index (migration 0060) holds one row per text of a case (``field`` says which: number, description, name,
phone, note): on SQLite an FTS5 table with the ``trigram`` tokenizer, on PostgreSQL a table with a ``pg_trgm`` GIN
index; both find any substring of three characters or more, which is what Chinese text needs (no word
boundaries). What the two engines write differently is :meth:`Dialect.search_index`.

Writing: :func:`index_batch` runs in the sync engine's own transaction (``server.storage.engine``), so a case or
note is findable from the moment it is committed, and never before. Reading: :func:`matching` gives a condition on
``cases c`` for :class:`server.storage.case_reads.CaseFilter`.

A term of three characters or more is looked up in the index, together with the cases of any site whose name holds
it, as one list of ids, so a rare term reads only its own few cases. A shorter term ("路灯", "发烧") matches no
trigram (FTS5 finds nothing for it, not even by LIKE); such terms are matched with ``LIKE`` on the cases' and
notes' own texts, a scan several times cheaper than scanning the index (``bench/search.py`` measures both).
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from server.storage.db import Database, Dialect, Row, SyncTx, like_pattern
from sync.names import M


def _rows_of_event(event: dict[str, Any]) -> list[tuple[str, str, str]]:
    if event["type"] != M.create:
        return []
    p, case_id = event["payload"], event["case_id"]
    contact = p.get("contact") or {}
    texts = [("number", p["number"]), ("description", p["description"]),
             ("name", contact.get("name")), ("phone", contact.get("phone"))]
    return [(case_id, field, text) for field, text in texts if text]


def index_batch(tx: SyncTx, events: Sequence[dict[str, Any]], notes: Sequence[dict[str, Any]]) -> None:
    """Index what one push adds: the texts of each new case, and each new note. Called inside the transaction
    that writes them. (Numbers, descriptions and contacts never change after creation; notes are an append-only
    set, and a note already present is not in ``notes``.)"""
    rows = [row for event in events for row in _rows_of_event(event)]
    rows.extend((n["case_id"], "note", n["text"]) for n in notes if n["text"])
    if rows:
        tx.executemany("INSERT INTO case_search(case_id, field, body) VALUES (?, ?, ?)", rows)


def matching(terms: Iterable[str], hide_confidential_contacts: bool, dialect: Dialect) -> tuple[str, list[Any]]:
    """A condition on ``cases c``: every term is found in one of the case's texts or in its site's name.

    ``hide_confidential_contacts``: the reporter's name and phone of a confidential case (是否保密) are shown only
    to dispatchers and admins, so for anyone else they must not find the case either.
    """
    clauses, params = [], []
    at_site = f"SELECT x.id FROM cases x WHERE x.site IN (SELECT code FROM sites WHERE {dialect.contains('name')})"
    for term in terms:
        pattern = like_pattern(term)
        indexed = dialect.search_index(term)
        if indexed is not None:
            private = (" AND (s.field NOT IN ('name', 'phone') OR s.case_id IN"
                       " (SELECT id FROM cases WHERE confidential = 0))") if hide_confidential_contacts else ""
            clauses.append(f"c.id IN (SELECT s.case_id FROM case_search s WHERE {indexed[0]}{private}"
                           f" UNION {at_site})")
            params.extend([*indexed[1], pattern])
            continue
        contact = f"({dialect.contains('c.contact_name')} OR {dialect.contains('c.contact_phone')})"
        if hide_confidential_contacts:
            contact = f"(c.confidential = 0 AND {contact})"
        clauses.append(f"({dialect.contains('c.number')} OR {dialect.contains('c.description')} OR {contact}"
                       f" OR c.id IN (SELECT n.case_id FROM case_notes n WHERE {dialect.contains('n.text')}"
                       f" UNION {at_site}))")
        params.extend([pattern] * 6)
    return " AND ".join(clauses) or "1=1", params


async def by_number(db: Database, number: str) -> Row | None:
    """The case whose number is exactly ``number`` (its letters as typed or in capitals, as numbers are made), with
    what visibility needs."""
    return await db.fetchone("SELECT id, number, team, assignee AS assignee_id FROM cases WHERE number IN (?, ?)",
                             (number, number.upper()))
