"""The fields of a 12345 work order as files carry them: names, and reading and writing each value.

Files name their columns in Chinese, as the hotline platforms do. Times are local (Asia/Shanghai) unless they carry
an offset, written ``2026-11-20 09:30:00`` (``2026/11/20 9:30`` and ISO 8601 are read as well); a deadline given as
a date means the end of that day.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from server.deadlines import parse_time
from sync.dates import CHINA, parse_until
from sync.names import PRIORITY, RATINGS

ORDER_NO, CALLER, PHONE, CATEGORY, URGENCY, CALL_TYPE = "工单编号", "来电人", "联系电话", "分类", "紧急程度", "来电类别"
INTAKE, CONTENT, RECEIVED, CONFIDENTIAL, CALLBACK = "受理渠道", "主要内容", "受理时间", "是否保密", "是否回复"
UNIT, TRANSFERRED, OPINION, DEADLINE = "办理单位", "转办时间", "转办意见", "办结时限"
RESULT, RESOLVED, SATISFACTION, REWORKS = "办理结果", "办结时间", "满意度", "返工次数"

ORDER_FIELDS = (ORDER_NO, CALLER, PHONE, CATEGORY, URGENCY, CALL_TYPE, INTAKE, CONTENT, RECEIVED, CONFIDENTIAL,
                CALLBACK, UNIT, TRANSFERRED, OPINION, DEADLINE)
RESULT_FIELDS = (RESULT, RESOLVED, SATISFACTION, REWORKS)
EXPORT_FIELDS = (*ORDER_FIELDS, *RESULT_FIELDS)
REQUIRED = (ORDER_NO, CATEGORY, CONTENT, RECEIVED)
TRANSFER_FIELDS = (UNIT, TRANSFERRED, OPINION)

CALL_TYPES = ("咨询", "求助", "投诉", "举报", "建议")
URGENCIES = {"": PRIORITY.normal, "一般": PRIORITY.normal, "普通": PRIORITY.normal, "较急": PRIORITY.high,
             "紧急": PRIORITY.high, "加急": PRIORITY.high, "特急": PRIORITY.urgent, "特别紧急": PRIORITY.urgent,
             "非常紧急": PRIORITY.urgent}
_YES = {"是", "y", "yes", "true", "1"}
_NO = {"否", "n", "no", "false", "0", ""}
RATING_OF = {**{zh: code for code, zh in RATINGS.items()}, **{code: code for code in RATINGS}}

_WHEN = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?")


class Bad(ValueError):
    """A value that cannot be read; the message (Chinese) names the field."""


def text(field: str, value: Any) -> str:
    """A cell as text, surrounding blanks removed (JSON numbers and booleans are written as they read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if not isinstance(value, (str, int, float)):
        raise Bad(f"{field}应为文字或数字")
    return str(value).strip()


def yes_no(field: str, value: Any) -> bool:
    raw = text(field, value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise Bad(f"{field}应为“是”或“否”，不是“{raw[:20]}”")


def when(field: str, value: str, *, deadline: bool = False) -> str | None:
    """A time as the record stores it (UTC ISO), None when blank; a date alone is the end of that day for a
    deadline, and is refused elsewhere."""
    if not value:
        return None
    found = _WHEN.fullmatch(value)
    if found is None or (found.group(4) is None and not deadline):
        raise Bad(f"{field}“{value[:30]}”不是有效的时间，应写作 2026-11-20 09:30:00")
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        if hour is None:
            return parse_until(date(int(year), int(month), int(day)).isoformat())
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        offset = "+08:00" if zone is None else ("+00:00" if zone == "Z" else zone[:3] + ":" + zone[-2:])
        if not 2000 <= moment.year <= 2100:
            raise ValueError(value)
        return parse_until(moment.isoformat() + offset)
    except ValueError:
        raise Bad(f"{field}“{value[:30]}”不是有效的时间") from None


def local(stored: str | None) -> str:
    """A stored time as files write it: ``2026-11-20 09:30:00``, local time."""
    if not stored:
        return ""
    return parse_time(stored).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")
