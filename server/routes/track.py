"""The resident's tracking API: ``GET /api/track/{track_token}``, one case as its reporter may see it, and
``GET /api/track/{track_token}/events``, its live status.

The 128-bit track token is the only key. The case carries its status, number, site, category, description, the
photos its reporter may see and its history (``sync.views`` decides what a resident sees); neither it nor the
stream carries a person's name, contact, an assignee or a staff member's identity.
"""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.errors import ApiError
from server.events import Filter
from server.events.frames import RESIDENT
from server.events.gate import stream_gate
from server.events.stream import EventStream
from server.ratelimit import client_address
from server.pseudonyms import pseudonyms
from server.routes.events import last_event_id
from server.storage import case_track, tracking
from sync import actor
from sync.args import TOKEN
from sync.views import case_view, event_view

# Someone holding the link but not the phone that made the case: a resident who is nobody in particular.
_TRACKER = actor.Actor(actor.RESIDENT, client_id="")
# Which payload text a timeline entry shows the reporter.
_TEXT_KEYS = ("text", "reason", "comment")


def _entry(event: dict[str, Any]) -> dict[str, Any]:
    payload = event["payload"]
    text = next((payload[k] for k in _TEXT_KEYS if isinstance(payload.get(k), str) and payload[k]), None)
    return {"seq": event["seq"], "type": event["type"], "status": payload.get("to"), "at": event["created_at"],
            "text": text, "rating": payload.get("rating")}


async def track(request: Request) -> JSONResponse:
    token = request.path_params["track_token"]
    db = request.app.state.db
    found = await tracking.case_by_track_token(db, token) if TOKEN.fullmatch(token) else None
    if found is None:
        raise ApiError(404, "case_not_found", "找不到该诉求，请核对查询链接")
    case_id = found["id"]
    cases, notes, photos = await db.sync.cases_with_sets([case_id], {})
    names = pseudonyms(request)
    view = case_view(_TRACKER, cases[0], notes, photos, names)
    view["site_name"] = await case_track.site_name(db, view["site"])
    timeline = [_entry(e) for e in (event_view(_TRACKER, e, names) for e in await case_track.events_of(db, case_id))
                if e is not None]
    return JSONResponse({"case": view, "timeline": timeline}, headers={"Cache-Control": "no-cache"})


async def case_events(request: Request) -> EventStream:
    token = request.path_params["track_token"]
    case = await tracking.case_by_track_token(request.app.state.db, token) if TOKEN.fullmatch(token) else None
    if case is None:
        raise ApiError(404, "case_not_found", "找不到该诉求，请核对查询链接")
    state = request.app.state
    guard = stream_gate(state).guard("track", client_address(request), state.config.sse_track_streams_per_address)
    return EventStream(state.hub, state.db, Filter(case_id=case["id"]), RESIDENT, last_event_id(request),
                       state.config.sse_replay_page, guard)


routes = [Route("/api/track/{track_token}", track), Route("/api/track/{track_token}/events", case_events)]
