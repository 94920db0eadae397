"""Teams that cases are dispatched to: validation and changes (``/api/admin/teams``)."""
from __future__ import annotations

import re
from typing import Any

from server.body import bool_field, choice_field, code_field, only_fields, string_field, text_field
from server.errors import ApiError
from server.storage import Database, reference

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
EDITABLE = ("name", "kind", "community", "active")


def parse(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    only_fields(data, ("code", *EDITABLE) if creating else EDITABLE)
    row: dict[str, Any] = {}
    if creating:
        row["code"] = code_field(data, CODE_RE, "只能用大写字母、数字和连字符，2–32 个字符")
    name = text_field(data, "name", required=creating, max_len=60)
    if name is not None:
        row["name"] = name
    kind = choice_field(data, "kind", reference.TEAM_KINDS, required=creating)
    if kind is not None:
        row["kind"] = kind
    if "community" in data:
        row["community"] = (string_field(data, "community", required=False, max_len=60) or "").strip() or None
    active = bool_field(data, "active", required=False)
    if active is not None:
        row["active"] = int(active)
    return row


async def add(db: Database, data: dict[str, Any]) -> dict[str, Any]:
    row = parse(data, creating=True)
    async with db.write() as conn:
        if row["code"] in await reference.existing_codes(conn, "teams"):
            raise ApiError(409, "exists", f"队伍编号“{row['code']}”已存在", field="code")
        await reference.insert_row(conn, "teams", row)
        return reference.team_dict(await reference.get_row(conn, "teams", row["code"]))  # type: ignore[arg-type]


async def edit(db: Database, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Rename, move or retire a team (``active: false``); cases already dispatched to it keep the code."""
    row = parse(data, creating=False)
    async with db.write() as conn:
        if not await reference.update_row(conn, "teams", code, row):
            raise ApiError(404, "not_found", f"队伍“{code}”不存在")
        return reference.team_dict(await reference.get_row(conn, "teams", code))  # type: ignore[arg-type]
