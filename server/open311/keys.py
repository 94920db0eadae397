"""Open311 API keys: issued by ``mashangban apikey add NAME --site CODE`` (printed once, only a hash kept),
listed and revoked from the command line."""
from __future__ import annotations

import re
import secrets
from typing import Any

from server.auth import tokens
from server.storage import Database
from server.storage import open311 as store
from server.storage import reference

NAME = re.compile(r"[^\s].{0,59}")


async def issue(db: Database, name: str, site: str) -> str:
    """A new key for the client ``name`` whose requests without an address_id are filed under ``site``; the key
    itself is returned (and shown) once: only its SHA-256 is stored."""
    if not NAME.fullmatch(name) or name != name.strip():
        raise ValueError("名称不能为空，不能以空格开头或结尾，最多 60 个字符")
    key = "msb_" + secrets.token_urlsafe(32)
    async with db.write() as conn:
        if name in await store.key_names(conn):
            raise ValueError(f"API 密钥“{name}”已存在")
        site_row = await reference.get_row(conn, "sites", site)
        if site_row is None or not site_row["active"]:
            raise ValueError(f"站点“{site}”不存在或已停用")
        await store.insert_key(conn, name, tokens.digest(key), secrets.token_hex(16), site)
    return key


async def listing(db: Database) -> list[dict[str, Any]]:
    return [dict(r) for r in await store.list_keys(db)]


async def revoke(db: Database, name: str) -> None:
    async with db.write() as conn:
        if not await store.revoke_key(conn, name):
            raise ValueError(f"API 密钥“{name}”不存在或已吊销")
