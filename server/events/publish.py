"""Telling live streams about committed events: what every write path calls right after its commit."""
from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request

log = logging.getLogger(__name__)


def publish(request: Request, notices: list[dict[str, Any]]) -> None:
    """Hand the notices of a committed write to the app's hub; a failure here never undoes the write."""
    hub = getattr(request.app.state, "hub", None)
    if hub is None or not notices:
        return
    try:
        hub.publish(notices)
    except Exception:
        # Committed and acknowledged regardless: live clients miss a poke, and catch up on their next pull.
        log.exception("could not publish %d case events", len(notices))
