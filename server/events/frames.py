"""What an event stream carries: each case event encoded once per view as the bytes of one SSE frame."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple

# What each view shows, as (name in the stream, key in the event). Anything else an event holds (actor,
# payload, a resident's contact) never reaches a stream, whatever a caller of ``publish`` passes in.
_STAFF = (("seq", "seq"), ("type", "type"), ("case_id", "case_id"), ("site", "site"),
          ("community", "community"), ("team", "team"), ("status", "status"), ("time", "created_at"))
# Residents see their own case's progress, and nothing that names or places a person.
_RESIDENT = (("seq", "seq"), ("type", "type"), ("status", "status"), ("time", "created_at"))
VIEWS: dict[str, tuple[tuple[str, str], ...]] = {"staff": _STAFF, "resident": _RESIDENT}

# An event name goes on an ``event:`` line, so a line break in it would forge fields.
_EVENT_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class Frame(NamedTuple):
    """One encoded piece of a stream; ``seq`` is None for comments (pings), which every stream passes on."""

    seq: int | None
    data: bytes


PING = Frame(None, b": ping\n\n")


def now_iso() -> str:
    """The current UTC time in the form the database writes (``strftime('%Y-%m-%dT%H:%M:%fZ')``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def check(event: Mapping[str, Any]) -> None:
    """Raise ValueError unless ``event`` has an integer ``seq`` and an event name safe for an ``event:`` line."""
    seq = event.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError(f"event seq must be a positive integer, not {seq!r}")
    name = event.get("type")
    if not isinstance(name, str) or not _EVENT_NAME.fullmatch(name):
        raise ValueError(f"event type {name!r} is not a safe event name")


def encode(event: Mapping[str, Any], view: str) -> Frame:
    """``id: <seq>``, ``event: <type>``, ``data: <json>`` with only the fields ``view`` may show."""
    check(event)
    data = {name: event.get(key) for name, key in VIEWS[view]}
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Frame(event["seq"], f"id: {event['seq']}\nevent: {event['type']}\ndata: {body}\n\n".encode())


def position(seq: int) -> Frame:
    """A frame that sets the client's Last-Event-ID to ``seq`` without dispatching an event.

    A stream opened without Last-Event-ID starts with it, so a browser that loses the connection before the
    first event still reconnects with a position and is replayed what it missed.
    """
    return Frame(seq, f"id: {seq}\n\n".encode())
