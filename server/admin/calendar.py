"""The working-day calendar the admin keeps: public holidays and 调休 make-up working days."""
from __future__ import annotations

from datetime import date
from typing import Any

from server.body import bool_field, only_fields, string_field
from server.errors import ApiError
from server.storage import Database
from server.storage import calendar as storage


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, "invalid_args", f"日期“{text}”格式应为 YYYY-MM-DD", field="day") from None


async def put(db: Database, day_text: str, data: dict[str, Any]) -> dict[str, Any]:
    only_fields(data, ("workday", "name"))
    day = parse_day(day_text)
    workday = bool_field(data, "workday")
    name = (string_field(data, "name", required=False, max_len=40) or "").strip()
    async with db.write() as conn:
        await storage.put_day(conn, day, bool(workday), name)
    return {"day": day.isoformat(), "workday": workday, "name": name}


async def delete(db: Database, day_text: str) -> None:
    day = parse_day(day_text)
    async with db.write() as conn:
        if not await storage.delete_day(conn, day):
            raise ApiError(404, "not_found", f"{day.isoformat()} 不在日历例外中")
