"""Staff event stream: ``GET /api/events`` (server-sent events), filtered by ``site``, ``community``, ``team``."""
from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from server.auth import require_staff
from server.errors import ApiError
from server.events.access import staff_filter
from server.events.frames import STAFF
from server.events.gate import SignIn, stream_gate
from server.events.stream import EventStream
from server.ratelimit import client_address
from server.storage import users


def last_event_id(request: Request) -> int | None:
    """The client's position: the ``Last-Event-ID`` header a browser resends on reconnect, else
    ``?last_event_id=`` for clients that cannot set headers; None when it has none."""
    raw = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ApiError(400, "invalid_args", "Last-Event-ID 应为事件序号（非负整数）", field="last_event_id")
    return int(raw)


def _query(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and len(value) > 64:
        raise ApiError(400, "invalid_args", f"参数 {name} 过长", field=name)
    return value or None


async def staff_events(request: Request) -> EventStream:
    staff = await require_staff(request)
    filter = staff_filter(staff, _query(request, "site"), _query(request, "community"), _query(request, "team"))
    state = request.app.state
    # The stream ends with the sign-in it was opened with (signed out, device revoked, user disabled).
    guard = stream_gate(state).guard(
        "staff", client_address(request), state.config.sse_staff_streams_per_address,
        SignIn(staff.id, staff.session, staff.device_id),
        check=lambda: users.sign_in_valid(state.db, staff.session, staff.device_id, state.config.device_token_days),
        every_s=state.config.sse_sign_in_check_s)
    return EventStream(state.hub, state.db, filter, STAFF, last_event_id(request), state.config.sse_replay_page,
                       guard)


routes = [Route("/api/events", staff_events)]
