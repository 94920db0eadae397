"""SQL that event streams read: the newest ``seq``, and the log after a position for a reconnecting client."""
from __future__ import annotations

from typing import Any, Collection

from server.storage.db import Database, Row


async def head(db: Database) -> int:
    """The ``seq`` of the newest event, 0 for an empty log."""
    row = await db.fetchone("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")
    return int(row["seq"]) if row else 0


async def events_after(db: Database, after: int, limit: int, types: Collection[str], *, site: str | None = None,
                       community: str | None = None, team: str | None = None,
                       case_id: str | None = None) -> list[Row]:
    """Up to ``limit`` events of ``types`` with ``seq > after`` in ``seq`` order, with the fields a stream may show.

    Site, community, team and status come from the case as it is now, not as it was at the event: a
    replayed event is a poke to look at the case, and a case moved to another team shows under that team.
    """
    sql = ("SELECT e.seq, e.type, e.case_id, e.created_at, c.site, c.community, c.team, c.status"
           " FROM events e JOIN cases c ON c.id = e.case_id"
           f" WHERE e.seq > ? AND e.type IN ({', '.join('?' * len(types))})")
    params: list[Any] = [after, *types]
    for column, value in (("c.site", site), ("c.community", community), ("c.team", team), ("e.case_id", case_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    params.append(limit)
    return await db.fetchall(sql + " ORDER BY e.seq LIMIT ?", params)


async def events_between(db: Database, after: int, upto: int, limit: int) -> list[Row]:
    """Up to ``limit`` events with ``after < seq <= upto``, of every type, in ``seq`` order, with the fields a stream
    shows (the case's site, community, team and status as they are now): what a process's live feed publishes."""
    return await db.fetchall(
        "SELECT e.seq, e.type, e.case_id, e.created_at, c.site, c.community, c.team, c.status"
        " FROM events e JOIN cases c ON c.id = e.case_id WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq LIMIT ?",
        (after, upto, limit))
