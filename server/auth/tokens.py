"""Random secrets for sessions and devices; only their SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

SESSION_COOKIE = "mashangban_session"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign(secret_key: str, token: str) -> str:
    return TimestampSigner(secret_key, salt="session").sign(token).decode()


def unsign(secret_key: str, value: str, max_age_s: int) -> str | None:
    try:
        return TimestampSigner(secret_key, salt="session").unsign(value, max_age=max_age_s).decode()
    except (BadSignature, SignatureExpired):
        return None
