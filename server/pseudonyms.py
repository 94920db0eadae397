"""The server's :class:`sync.pseudonyms.Pseudonyms`, keyed by its secret key.

The key is derived from ``app.state.secret_key`` (the key that signs session cookies) rather than stored beside
it, so one secret to keep yields both; the derivation is one-way, so a pseudonym says nothing about that key.
It is read when first needed, not when the app is built: the key may be settled at start-up.
"""
from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from sync.pseudonyms import Pseudonyms


def pseudonyms(request: Request) -> Pseudonyms:
    """The pseudonyms staff are shown for client ids in this application."""
    state = request.app.state
    secret = state.secret_key
    cached = getattr(state, "pseudonyms", None)
    if cached is None or cached[0] != secret:
        key = hmac.new(secret.encode(), b"mashangban resident pseudonyms", hashlib.sha256).digest()
        cached = state.pseudonyms = (secret, Pseudonyms(key))
    return cached[1]
