"""Categories and their time limits: validation and changes (``/api/admin/categories``)."""
from __future__ import annotations

import re
from typing import Any

from server.body import bool_field, choice_field, code_field, int_field, only_fields, string_field, text_field
from server.errors import ApiError
from server.storage import Database, reference

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
KINDS = ("consultation", "help", "suggestion", "complaint")
EDITABLE = ("name_zh", "name_en", "kind", "response_limit_minutes", "resolution_limit_days", "default_team",
            "urgent", "icon", "sort", "active")
# A response limit longer than 30 days or a resolution limit past a year is a typo, not a policy.
MAX_RESPONSE_MINUTES = 30 * 24 * 60
MAX_RESOLUTION_DAYS = 250


def parse(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The columns a request body sets, checked one by one (400 names the first bad field)."""
    only_fields(data, ("code", *EDITABLE) if creating else EDITABLE)
    row: dict[str, Any] = {}
    if creating:
        row["code"] = code_field(data, CODE_RE,
                                 "只能用小写字母、数字和下划线，以字母开头，2–32 个字符")
    for name, max_len in (("name_zh", 40), ("name_en", 60)):
        value = text_field(data, name, required=creating, max_len=max_len)
        if value is not None:
            row[name] = value
    icon = string_field(data, "icon", required=False, max_len=32)
    if icon is not None:
        row["icon"] = icon.strip()
    kind = choice_field(data, "kind", KINDS, required=creating)
    if kind is not None:
        row["kind"] = kind
    for name, top in (("response_limit_minutes", MAX_RESPONSE_MINUTES), ("resolution_limit_days", MAX_RESOLUTION_DAYS)):
        value = int_field(data, name, required=creating, minimum=1, maximum=top)
        if value is not None:
            row[name] = value
    if "default_team" in data:
        row["default_team"] = string_field(data, "default_team", required=False, max_len=32) or None
    sort = int_field(data, "sort", required=False, minimum=0, maximum=10_000)
    if sort is not None:
        row["sort"] = sort
    for name in ("urgent", "active"):
        value = bool_field(data, name, required=False)
        if value is not None:
            row[name] = int(value)
    return row


async def _check_team(conn: Any, row: dict[str, Any]) -> None:
    team = row.get("default_team")
    if team and team not in await reference.existing_codes(conn, "teams"):
        raise ApiError(400, "invalid_args", f"默认队伍“{team}”不存在", field="default_team")


async def add(db: Database, data: dict[str, Any]) -> dict[str, Any]:
    row = parse(data, creating=True)
    async with db.write() as conn:
        if row["code"] in await reference.existing_codes(conn, "categories"):
            raise ApiError(409, "exists", f"分类编号“{row['code']}”已存在", field="code")
        await _check_team(conn, row)
        await reference.insert_row(conn, "categories", row)
        return reference.category_dict(await reference.get_row(conn, "categories", row["code"]))  # type: ignore[arg-type]


async def edit(db: Database, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Change a category. New limits apply to cases submitted from now on; open cases keep their deadlines."""
    row = parse(data, creating=False)
    async with db.write() as conn:
        await _check_team(conn, row)
        if not await reference.update_row(conn, "categories", code, row):
            raise ApiError(404, "not_found", f"分类“{code}”不存在")
        return reference.category_dict(await reference.get_row(conn, "categories", code))  # type: ignore[arg-type]
