"""Reading request bodies with a size limit and a clear JSON error for anything malformed."""
from __future__ import annotations

import json
import re
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


def _given(data: dict[str, Any], name: str, required: bool) -> Any:
    """The field's value; None when absent and optional; a 400 naming it when absent and required."""
    value = data.get(name)
    if value is None and required:
        raise ApiError(400, "invalid_args", f"缺少字段 {name}", field=name)
    return value


def string_field(data: dict[str, Any], name: str, *, required: bool = True, max_len: int = 200) -> str | None:
    value = _given(data, name, required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为文本", field=name)
    if len(value) > max_len:
        raise ApiError(400, "invalid_args", f"字段 {name} 过长（最多 {max_len} 个字符）", field=name)
    return value


def text_field(data: dict[str, Any], name: str, *, required: bool = True, max_len: int = 200) -> str | None:
    """Text with surrounding blanks removed, which may not be blank."""
    value = string_field(data, name, required=required, max_len=max_len)
    if value is None:
        return None
    if not value.strip():
        raise ApiError(400, "invalid_args", f"字段 {name} 不能为空", field=name)
    return value.strip()


def choice_field(data: dict[str, Any], name: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
    value = string_field(data, name, required=required, max_len=max(map(len, choices)))
    if value is not None and value not in choices:
        raise ApiError(400, "invalid_args", f"字段 {name} 应为 {', '.join(choices)} 之一", field=name)
    return value


def code_field(data: dict[str, Any], pattern: re.Pattern[str], rule: str) -> str:
    """A new record's code, matching ``pattern``; ``rule`` says in Chinese what a code may look like."""
    code = string_field(data, "code", max_len=32) or ""
    if not pattern.match(code):
        raise ApiError(400, "invalid_args", f"编号“{code}”无效：{rule}", field="code")
    return code


def int_field(data: dict[str, Any], name: str, *, required: bool = True, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    value = _given(data, name, required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为整数", field=name)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ApiError(400, "invalid_args", f"字段 {name} 应在 {minimum}–{maximum} 之间", field=name)
    return value


def bool_field(data: dict[str, Any], name: str, *, required: bool = True) -> bool | None:
    value = _given(data, name, required)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_args", f"字段 {name} 应为 true 或 false", field=name)
    return value


def only_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse unknown fields, so a typo in a field name is an error instead of a silently ignored change."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApiError(400, "invalid_args", f"不认识的字段：{', '.join(unknown)}", fields=unknown)
