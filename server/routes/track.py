"""The resident's tracking API: ``GET /api/track/{track_token}/events``, one case's live status.

The 128-bit track token is the only key; the stream carries status, event name, ``seq`` and time, never
a person's name, contact or a staff member's identity.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from server.errors import ApiError
from server.events import Filter
from server.events.frames import RESIDENT
from server.events.stream import EventStream
from server.routes.events import last_event_id
from server.storage import tracking
from sync.args import TOKEN


async def case_events(request: Request) -> EventStream:
    token = request.path_params["track_token"]
    case = await tracking.case_by_track_token(request.app.state.db, token) if TOKEN.fullmatch(token) else None
    if case is None:
        raise ApiError(404, "case_not_found", "找不到该诉求，请核对查询链接")
    state = request.app.state
    return EventStream(state.hub, state.db, Filter(case_id=case["id"]), RESIDENT, last_event_id(request),
                       state.config.sse_replay_page)


routes = [Route("/api/track/{track_token}/events", case_events)]
