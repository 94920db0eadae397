"""Telling live streams about committed events: what every write path calls right after its commit."""
from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request

log = logging.getLogger(__name__)


def publish(request: Request, notices: list[dict[str, Any]]) -> None:
    """Tell the app's live feed (``server.events.feed``) of a committed write; a failure here never undoes it."""
    feed = getattr(request.app.state, "feed", None)
    if feed is None or not notices:
        return
    try:
        feed.committed(notices)
    except Exception:
        # Committed and acknowledged regardless: live clients miss a poke, and catch up on their next pull.
        log.exception("could not publish %d case events", len(notices))
