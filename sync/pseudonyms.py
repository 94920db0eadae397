"""What staff see of a client instead of its id.

A resident's ``client_id`` is a credential, like a track token: whoever holds it may rate, withdraw and annotate
that resident's cases, pull them with their track tokens, and use up the resident's ``mid`` numbers. It leaves
the server only in answers to its own holder. Staff see a pseudonym instead: a keyed hash of the id, rendered
``居民·7K3Q9M``, the same for every case and event of one phone, so "this person reported five times" still shows.
Six characters rather than four: among a subdistrict's thousands of reporters, four would give many pairs of
people the same one.

Scalar fields' revisions (``<hlc>@<client_id>``) carry the writer's id too; staff are shown
:func:`public_revision` of each, which a ``case.set`` may send back as ``seen`` (``sync.merge`` accepts both forms).
That digest needs no key, so a revision seen before a key change is still recognised after it; a one-way hash of
128 random bits gives nothing back.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Any, Mapping

from sync.actor import KIOSK, RESIDENT

PREFIX = "居民·"
CODE_LENGTH = 6
# Crockford's base32: digits and capitals without I, L, O and U, which are misread for 1, 1, 0 and V.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class Pseudonyms:
    """Stable pseudonyms of client ids under one key (derived from the server's secret key)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def of(self, client_id: str) -> str:
        """``居民·7K3Q9M``: the same id always gives the same pseudonym under the same key."""
        digest = int.from_bytes(hmac.new(self._key, client_id.encode(), hashlib.sha256).digest()[:8], "big")
        code = "".join(_ALPHABET[(digest >> (5 * i)) & 31] for i in range(CODE_LENGTH))
        return PREFIX + code

    def actor(self, actor: Mapping[str, Any]) -> dict[str, Any]:
        """A logged actor as staff see it: without its client id; a resident or kiosk with its pseudonym (anyone
        else is named already: staff by user and device)."""
        shown = {k: v for k, v in actor.items() if k != "client_id"}
        client_id = actor.get("client_id")
        if actor.get("kind") in (RESIDENT, KIOSK) and isinstance(client_id, str):
            shown["pseudonym"] = self.of(client_id)
        return shown


def public_revision(rev: str) -> str:
    """A revision ``<hlc>@<client_id>`` with the client id replaced by the first 32 hex digits of its SHA-256: the
    same shape, so ``sync.args`` takes it back as ``seen`` like any revision."""
    hlc, at, client_id = rev.partition("@")
    if not at:
        return rev
    return f"{hlc}@{hashlib.sha256(client_id.encode()).hexdigest()[:32]}"
