"""Reading request bodies with a size limit and a clear JSON error for anything malformed."""
from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from server.errors import ApiError


async def json_object(request: Request, max_bytes: int = 64 * 1024) -> dict[str, Any]:
    """The body as a JSON object, read up to ``max_bytes`` (413 past it, 400 for anything not a JSON object)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, "too_large", f"请求内容过大（上限 {max_bytes // 1024} KB）")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError(413, "too_large", f"请求内容过大（上限 {max_bytes // 1024} KB）")
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks) or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, "bad_json", "请求内容不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "请求内容应为 JSON 对象")
    return data


def string_field(data: dict[str, Any], name: str, *, required: bool = True, max_len: int = 200) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(400, "invalid_args", f"缺少字段 {name}", field=name)
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为文本", field=name)
    if len(value) > max_len:
        raise ApiError(400, "invalid_args", f"字段 {name} 过长（最多 {max_len} 个字符）", field=name)
    return value


def int_field(data: dict[str, Any], name: str, *, required: bool = True, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(400, "invalid_args", f"缺少字段 {name}", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为整数", field=name)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ApiError(400, "invalid_args", f"字段 {name} 应在 {minimum}–{maximum} 之间", field=name)
    return value


def bool_field(data: dict[str, Any], name: str, *, required: bool = True) -> bool | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(400, "invalid_args", f"缺少字段 {name}", field=name)
        return None
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为 true 或 false", field=name)
    return value


def only_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse unknown fields, so a typo in a field name is an error instead of a silently ignored change."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApiError(400, "invalid_args", f"不认识的字段：{', '.join(unknown)}", fields=unknown)
