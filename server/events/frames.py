"""What an event stream carries: each case event encoded once per view as the bytes of one SSE frame."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple

from sync.names import CONFLICT, EVENTS, M


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: cheap in the fan-out loop
class View:
    """What one kind of stream shows: which event types, and which fields as (name in the stream, event key).
    Anything else an event holds (actor, payload, a resident's contact) never reaches a stream, whatever a
    caller of ``publish`` passes in."""

    name: str
    fields: tuple[tuple[str, str], ...]
    types: frozenset[str]

    def shows(self, event: Mapping[str, Any]) -> bool:
        return event["type"] in self.types


STAFF = View("staff", (("seq", "seq"), ("type", "type"), ("case_id", "case_id"), ("site", "site"),
                       ("community", "community"), ("team", "team"), ("status", "status"), ("time", "created_at")),
             frozenset(EVENTS))

# A resident follows the steps of their own case and sees nothing that names or places a person. Notes,
# photos and field edits are left out: whether a resident may see one depends on who wrote it
# (``sync.views.event_view``), which a live notice does not say; the tracking page shows those on reload.
RESIDENT = View("resident", (("seq", "seq"), ("type", "type"), ("status", "status"), ("time", "created_at")),
                frozenset(EVENTS) - {M.note, M.photo, M.set, CONFLICT})


class Frame(NamedTuple):
    """One encoded piece of a stream; ``seq`` is None for comments (pings), which every stream passes on."""

    seq: int | None
    data: bytes


PING = Frame(None, b": ping\n\n")


def now_iso() -> str:
    """The current UTC time in the form the log uses (``2026-11-27T01:00:00.000Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def check(event: Mapping[str, Any]) -> None:
    """Raise ValueError unless ``event`` has a positive integer ``seq`` and a known event type (which also
    keeps line breaks, and so forged fields, off the ``event:`` line)."""
    seq = event.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError(f"event seq must be a positive integer, not {seq!r}")
    if event.get("type") not in EVENTS:
        raise ValueError(f"unknown event type {event.get('type')!r}")


def encode(event: Mapping[str, Any], view: View) -> Frame:
    """``id: <seq>``, ``event: <type>``, ``data: <json>`` with only the fields ``view`` shows."""
    check(event)
    data = {name: event.get(key) for name, key in view.fields}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Frame(event["seq"], f"id: {event['seq']}\nevent: {event['type']}\ndata: {body}\n\n".encode())


def position(seq: int) -> Frame:
    """A frame that sets the client's Last-Event-ID to ``seq`` without dispatching an event.

    A stream opened without Last-Event-ID starts with it, so a browser that loses the connection before the
    first event still reconnects with a position and is replayed what it missed.
    """
    return Frame(seq, f"id: {seq}\n\n".encode())
