"""SQL of the console's free-text search: the ``case_search`` index (SQLite FTS5, trigram tokenizer) and the
conditions that find cases by number, description, the reporter's name and phone, notes and site name.

Writing: :func:`index_batch` runs on the writer inside the sync engine's transaction (``sync.store.save_batch``),
so a case or note is findable from the moment it is committed, and never before. Reading: :func:`matching` gives
a condition on ``cases c`` for :class:`server.storage.case_reads.CaseFilter`.

The trigram tokenizer indexes every run of three characters, so a term of three or more characters is a phrase
query on the index. A shorter term ("路灯", "发烧") matches no trigram at all, and FTS5 answers it with nothing,
even through LIKE; such terms are matched with ``instr`` over the texts themselves (``bench/search.py`` measures
both against a plain scan).
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Sequence

from server.storage.db import Database, Row
from sync.names import M

# The texts of a case that are indexed; the reporter's name and phone are personal data (see ``matching``).
CONTACT_FIELDS = ("name", "phone")
TRIGRAM = 3


def _rows_of_event(event: dict[str, Any]) -> list[tuple[str, str, str]]:
    if event["type"] != M.create:
        return []
    p, case_id = event["payload"], event["case_id"]
    contact = p.get("contact") or {}
    texts = [("number", p["number"]), ("description", p["description"]),
             ("name", contact.get("name")), ("phone", contact.get("phone"))]
    return [(case_id, field, text) for field, text in texts if text]


def index_batch(conn: sqlite3.Connection, events: Sequence[dict[str, Any]],
                notes: Sequence[dict[str, Any]]) -> None:
    """Index what one push adds: the texts of each new case, and each new note. Called on the writer, inside
    the transaction that writes them. (Numbers, descriptions and contacts never change after creation; notes
    are an append-only set, and a note already present is not in ``notes``.)"""
    rows = [row for event in events for row in _rows_of_event(event)]
    rows.extend((n["case_id"], "note", n["text"]) for n in notes if n["text"])
    if rows:
        conn.executemany("INSERT INTO case_search(case_id, field, body) VALUES (?, ?, ?)", rows)


def _phrase(term: str) -> str:
    """``term`` as an FTS5 phrase: the whole string, quotes doubled, operators and column filters inert."""
    return '"' + term.replace('"', '""') + '"'


def matching(terms: Iterable[str], hide_confidential_contacts: bool) -> tuple[str, list[Any]]:
    """A condition on ``cases c``: every term is found in one of the case's texts or in its site's name.

    ``hide_confidential_contacts``: the reporter's name and phone of a confidential case (是否保密) are shown only
    to dispatchers and admins, so for anyone else they must not find the case either.
    """
    clauses, params = [], []
    for term in terms:
        if len(term) >= TRIGRAM:
            text, text_params = _indexed(term, hide_confidential_contacts)
        else:
            text, text_params = _scanned(term, hide_confidential_contacts)
        clauses.append(text)
        params.extend([*text_params, term])
    return " AND ".join(clauses) or "1=1", params


# The cases at a site whose name holds the term (through the cases_site index; sites are few).
_AT_SITE = "SELECT x.id FROM cases x WHERE x.site IN (SELECT code FROM sites WHERE instr(lower(name), lower(?)) > 0)"


def _indexed(term: str, hide_confidential_contacts: bool) -> tuple[str, list[Any]]:
    """Three characters or more: the cases whose indexed texts hold the term, as a phrase of the trigram index, or
    whose site's name does. One list of ids, so that a rare term reads only its few cases, not every case."""
    private = (" AND (s.field NOT IN ('name', 'phone')"
               " OR s.case_id IN (SELECT id FROM cases WHERE confidential = 0))") if hide_confidential_contacts else ""
    return (f"c.id IN (SELECT s.case_id FROM case_search s WHERE s.case_search MATCH ?{private} UNION {_AT_SITE})",
            [_phrase(term)])


def _scanned(term: str, hide_confidential_contacts: bool) -> tuple[str, list[Any]]:
    """One or two characters: no trigram holds them, so the texts themselves are scanned, with ``LIKE`` (which
    ignores the case of Latin letters, as the index does). The case's own columns and the notes table are read
    rather than the index: a scan of the virtual table costs several times more."""
    found = "{} LIKE ? ESCAPE '\\'"
    contact = f"({found.format('c.contact_name')} OR {found.format('c.contact_phone')})"
    if hide_confidential_contacts:
        contact = f"(c.confidential = 0 AND {contact})"
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (f"({found.format('c.number')} OR {found.format('c.description')} OR {contact}"
            f" OR c.id IN (SELECT n.case_id FROM case_notes n WHERE {found.format('n.text')} UNION {_AT_SITE}))",
            [pattern] * 5)


async def by_number(db: Database, number: str) -> Row | None:
    """The case whose number is exactly ``number`` (its letters as typed or in capitals, as numbers are made), with
    what visibility needs."""
    return await db.fetchone("SELECT id, number, team, assignee AS assignee_id FROM cases WHERE number IN (?, ?)",
                             (number, number.upper()))
