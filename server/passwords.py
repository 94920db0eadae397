"""Password hashing with scrypt (standard library); the hash string carries its own parameters."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class Checker:
    """Runs scrypt on worker threads, at most ``workers`` at a time.

    One check takes tens of milliseconds of a core: on the event loop a stream of failed sign-ins would stall every
    other request, and unbounded on threads it would take every core. scrypt releases the GIL, so the loop carries
    on while it runs; sign-ins beyond ``workers`` wait their turn.
    """

    def __init__(self, workers: int) -> None:
        self._gate = asyncio.Semaphore(max(1, workers))

    async def verify(self, password: str, stored: str) -> bool:
        async with self._gate:
            return await asyncio.to_thread(verify_password, password, stored)

    async def hash(self, password: str) -> str:
        async with self._gate:
            return await asyncio.to_thread(hash_password, password)
