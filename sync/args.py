"""The arguments of each mutation: checked and normalised before anything reads the database.

A mutation whose arguments fail here is permanently invalid: the engine records it as rejected (``invalid_args``)
and the queue moves on. Keys a mutation does not use are ignored, so a newer client can send more without having
its mutations refused by an older server.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from sync.dates import parse_until
from sync.names import FIELD, PRIORITIES, RATINGS, SCALAR_FIELDS, E, M, CHANNELS

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOKEN = re.compile(r"[0-9a-f]{32}")  # 128 random bits: client ids and track tokens
PHOTO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
REVISION = re.compile(r"\d{13}-[0-9a-f]{4}@[0-9a-f]{32}")
PHONE = re.compile(r"[0-9+\- ]{3,20}")

MAX_TEXT = 2000
MAX_DESCRIPTION = 4000  # a report's text: Open311's limit (the resident app asks for at most 2,000)
MAX_UNIT = 100
MAX_REASON = 500
MAX_NAME = 50
MAX_PHOTOS = 9
MAX_PLACE = 200


class Invalid(Exception):
    """A mutation that can never apply as sent: an error code from ``sync.names.ERRORS`` and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _bad(message: str) -> Invalid:
    return Invalid(E.invalid_args, message)


def _match(pattern: re.Pattern[str], value: Any, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad(f"{what}格式不正确")
    return value


def _text(value: Any, what: str, limit: int, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _bad(f"{what}必须是文字")
    value = value.strip()
    if not value:
        if required:
            raise _bad(f"请填写{what}")
        return None
    if len(value) > limit:
        raise _bad(f"{what}不能超过 {limit} 字")
    return value


def _photos(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PHOTOS:
        raise _bad(f"照片最多 {MAX_PHOTOS} 张")
    return list(dict.fromkeys(_match(PHOTO_ID, p, "照片编号") for p in value))


def _number(value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad("位置坐标格式不正确")
    if not low <= value <= high:
        raise _bad("位置坐标超出范围")
    return float(value)


def location(value: Any) -> dict[str, Any] | None:
    """``{lat, lng, text?}`` (WGS-84 degrees, a description of the place) or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad("位置格式不正确")
    place = {"lat": _number(value.get("lat"), -90, 90), "lng": _number(value.get("lng"), -180, 180)}
    text = _text(value.get("text"), "位置描述", MAX_PLACE, required=False)
    if text is not None:
        place["text"] = text
    return place


def _contact(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad("联系方式格式不正确")
    name = _text(value.get("name"), "联系人", MAX_NAME, required=False)
    phone = value.get("phone")
    if phone is not None and phone != "":
        phone = _match(PHONE, phone, "联系电话").strip()
    else:
        phone = None
    return {"name": name, "phone": phone} if (name or phone) else None


def _assignee(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _bad("处置人格式不正确")
    return value


def field_value(field: str, value: Any) -> Any:
    """A scalar field's new value, normalised (category codes are checked against the database later)."""
    if field == FIELD.assignee:
        return _assignee(value)
    if field == FIELD.priority:
        if value not in PRIORITIES:
            raise _bad("优先级不正确")
        return value
    if field == FIELD.category:
        return _match(CODE, value, "类别")
    return location(value)


def _flag(value: Any, what: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _bad(f"{what}只能是 true 或 false")
    return value


def _instant(value: Any, what: str) -> str | None:
    """An ISO datetime with its offset (or a date: the end of that local day), as the record's UTC string."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_until(value)
        except ValueError:
            pass
    raise _bad(f"{what}格式不正确")


def _create(a: dict[str, Any]) -> dict[str, Any]:
    channel = a.get("channel")
    if channel is not None and channel not in CHANNELS:
        raise _bad("渠道不正确")
    priority = a.get("priority")
    if priority is not None and priority not in PRIORITIES:
        raise _bad("优先级不正确")
    return {"track_token": _match(TOKEN, a.get("track_token"), "查询码"),
            "site": _match(CODE, a.get("site"), "站点"), "category": _match(CODE, a.get("category"), "类别"),
            "description": _text(a.get("description"), "诉求内容", MAX_DESCRIPTION),
            "contact": _contact(a.get("contact")), "photos": _photos(a.get("photos")),
            "location": location(a.get("location")), "channel": channel, "priority": priority,
            # Only callers that register appeals taken elsewhere may use these (sync.rights.records_intake).
            "submitted_at": _instant(a.get("submitted_at"), "受理时间"),
            "resolution_due": _instant(a.get("resolution_due"), "办结时限"),
            "confidential": _flag(a.get("confidential"), "是否保密"), "callback": _flag(a.get("callback"), "是否回复")}


def _set(a: dict[str, Any]) -> dict[str, Any]:
    field = a.get("field")
    if field not in SCALAR_FIELDS:
        raise _bad("不能修改该字段")
    seen = a.get("seen")
    if seen is not None:
        _match(REVISION, seen, "版本")
    return {"field": field, "value": field_value(field, a.get("value")), "seen": seen}


def _rate(a: dict[str, Any]) -> dict[str, Any]:
    if a.get("rating") not in RATINGS:
        raise _bad("评价只能是满意、基本满意或不满意")
    return {"rating": a["rating"], "comment": _text(a.get("comment"), "评价内容", MAX_REASON, required=False)}


def _extend(a: dict[str, Any]) -> dict[str, Any]:
    until = _instant(a.get("until"), "延期时间")
    if until is None:
        raise _bad("延期时间格式不正确")
    return {"until": until, "reason": _text(a.get("reason"), "延期理由", MAX_REASON)}


def _transfer(a: dict[str, Any]) -> dict[str, Any]:
    at = _instant(a.get("at"), "转办时间")
    if at is None:
        raise _bad("请填写转办时间")
    return {"unit": _text(a.get("unit"), "办理单位", MAX_UNIT), "at": at,
            "opinion": _text(a.get("opinion"), "转办意见", MAX_REASON, required=False)}


def _merge(a: dict[str, Any]) -> dict[str, Any]:
    into = _match(UUID, a.get("into"), "合并目标")
    if into == a["id"]:
        raise _bad("不能合并到自身")
    return {"into": into}


def _reason(what: str, required: bool = True) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda a: {"reason": _text(a.get("reason"), what, MAX_REASON, required=required)}


_BY_NAME: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    M.create: _create,
    M.accept: lambda a: {},
    M.dispatch: lambda a: {"team": _match(CODE, a.get("team"), "处置队伍"), "assignee": _assignee(a.get("assignee"))},
    M.start: lambda a: {},
    M.resolve: lambda a: {"text": _text(a.get("text"), "办理结果", MAX_TEXT), "photos": _photos(a.get("photos"))},
    M.note: lambda a: {"note_id": _match(UUID, a.get("note_id"), "备注编号"),
                       "text": _text(a.get("text"), "备注", MAX_TEXT), "photos": _photos(a.get("photos"))},
    M.photo: lambda a: {"photo_id": _match(PHOTO_ID, a.get("photo_id"), "照片编号")},
    M.set: _set,
    M.rate: _rate,
    M.reopen: _reason("重办理由"),
    M.withdraw: _reason("撤回理由", required=False),
    M.reject: _reason("不予受理理由"),
    M.merge: _merge,
    M.extend: _extend,
    M.return_: _reason("退回理由"),
    M.close: lambda a: {},
    M.transfer: _transfer,
}


def validate(name: Any, args: Any) -> dict[str, Any]:
    """The normalised arguments of mutation ``name`` (``id`` first); raises :class:`Invalid`."""
    if not isinstance(name, str) or name not in _BY_NAME:
        raise Invalid(E.unknown_mutation, "不支持的操作")
    if not isinstance(args, dict):
        raise _bad("参数格式不正确")
    case_id = _match(UUID, args.get("id"), "诉求编号")
    return {"id": case_id, **_BY_NAME[name](args)}
