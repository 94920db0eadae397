"""Reading a 12345 file into work orders, or refusing it with every bad line named.

- CSV in UTF-8 (with or without a byte-order mark) or GBK (read as GB 18030, its superset), or JSON: an array of
  objects with the same Chinese keys as the CSV columns (``{"工单": [...]}`` as well).
- One row per work order, or several rows of one work order, one per forwarding (转办): apart from 办理单位,
  转办时间 and 转办意见 its rows must agree. This is also how the export writes an order forwarded more than once.
- Lines are counted as in the file (the header is line 1; a quoted cell over several lines counts them all); the
  records of a JSON file are counted from 1.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from server import spreadsheet
from server.hotline import fields as F
from server.sites import ImportRejected, RowError
from sync.args import MAX_NAME, MAX_REASON, MAX_TEXT, MAX_UNIT, PHONE, MAX_DESCRIPTION

MAX_ORDER_NO = 64
MAX_CATEGORY = 100
MAX_REWORKS = 99


@dataclass(frozen=True)
class Transfer:
    unit: str
    at: str  # UTC ISO, as the record keeps it
    opinion: str | None


@dataclass
class Order:
    """One work order as the file describes it; times are UTC ISO strings."""

    line: int
    number: str
    caller: str | None
    phone: str | None
    category: str
    urgency: str
    priority: str
    call_type: str
    intake: str
    content: str
    received_at: str
    confidential: bool
    callback: bool
    deadline: str | None
    result: str | None
    resolved_at: str | None
    rating: str | None
    reworks: int
    transfers: list[Transfer] = field(default_factory=list)

    def same_order(self) -> tuple[Any, ...]:
        """Everything but the forwarding, which may differ between the rows of one order."""
        return (self.caller, self.phone, self.category, self.urgency, self.call_type, self.intake, self.content,
                self.received_at, self.confidential, self.callback, self.deadline, self.result, self.resolved_at,
                self.rating, self.reworks)


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _records(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or record number, the record's cells by column name)."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise ImportRejected([RowError(err.lineno, f"JSON 格式错误：{err.msg}")]) from None
        if isinstance(data, dict):
            data = data.get("工单")
        if not isinstance(data, list):
            raise ImportRejected([RowError(1, "JSON 文件应为工单数组，或 {\"工单\": [...]}")])
        for i, record in enumerate(data, 1):
            yield i, record if isinstance(record, dict) else {}
        return
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in F.REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected([RowError(1, f"表头缺少列：{'、'.join(missing)}（应有 {'、'.join(F.EXPORT_FIELDS)}）")])
    start = reader.line_num + 1
    for row in reader:
        if None in row:
            yield start, {None: True}
        else:
            yield start, {k: spreadsheet.read_cell(v or "") for k, v in row.items()}
        start = reader.line_num + 1


def _limited(record: dict[str, Any], name: str, limit: int, required: bool = False) -> str:
    value = F.text(name, record.get(name))
    if required and not value:
        raise F.Bad(f"{name}不能为空")
    if len(value) > limit:
        raise F.Bad(f"{name}不能超过 {limit} 个字")
    return value


def _order(line: int, record: dict[str, Any]) -> Order:
    if None in record:
        raise F.Bad("列数多于表头")
    if not record:
        raise F.Bad("应为一个对象，键为各列名称")
    number = _limited(record, F.ORDER_NO, MAX_ORDER_NO, required=True)
    phone = _limited(record, F.PHONE, 20)
    if phone and not PHONE.fullmatch(phone):
        raise F.Bad(f"联系电话“{phone}”只能包含数字、空格、+ 和 -")
    urgency = _limited(record, F.URGENCY, 10)
    if urgency not in F.URGENCIES:
        raise F.Bad(f"紧急程度“{urgency}”应为 {'、'.join(u for u in F.URGENCIES if u)} 之一（或留空）")
    call_type = _limited(record, F.CALL_TYPE, 10)
    if call_type and call_type not in F.CALL_TYPES:
        raise F.Bad(f"来电类别“{call_type}”应为 {'、'.join(F.CALL_TYPES)} 之一")
    received = F.when(F.RECEIVED, _limited(record, F.RECEIVED, 40, required=True))
    assert received is not None
    deadline = F.when(F.DEADLINE, _limited(record, F.DEADLINE, 40), deadline=True)
    if deadline is not None and deadline < received:
        raise F.Bad("办结时限早于受理时间")
    satisfaction = _limited(record, F.SATISFACTION, 10)
    if satisfaction and satisfaction not in F.RATING_OF:
        raise F.Bad(f"满意度“{satisfaction}”应为 满意、基本满意 或 不满意")
    reworks_text = _limited(record, F.REWORKS, 3)
    if reworks_text and not reworks_text.isdigit():
        raise F.Bad(f"返工次数“{reworks_text}”应为 0–{MAX_REWORKS} 的整数")
    order = Order(
        line=line, number=number, caller=_limited(record, F.CALLER, MAX_NAME) or None, phone=phone or None,
        category=_limited(record, F.CATEGORY, MAX_CATEGORY, required=True), urgency=urgency,
        priority=F.URGENCIES[urgency], call_type=call_type, intake=_limited(record, F.INTAKE, 50),
        content=_limited(record, F.CONTENT, MAX_DESCRIPTION, required=True), received_at=received,
        confidential=F.yes_no(F.CONFIDENTIAL, record.get(F.CONFIDENTIAL)),
        callback=F.yes_no(F.CALLBACK, record.get(F.CALLBACK)), deadline=deadline,
        result=_limited(record, F.RESULT, MAX_TEXT) or None,
        resolved_at=F.when(F.RESOLVED, _limited(record, F.RESOLVED, 40)),
        rating=F.RATING_OF.get(satisfaction), reworks=int(reworks_text or 0))
    _check_result(order)
    unit = _limited(record, F.UNIT, MAX_UNIT)
    at = F.when(F.TRANSFERRED, _limited(record, F.TRANSFERRED, 40))
    opinion = _limited(record, F.OPINION, MAX_REASON) or None
    if (unit or opinion) and at is None:
        raise F.Bad("有办理单位或转办意见时须填写转办时间")
    if at is not None:
        if not unit:
            raise F.Bad("有转办时间时须填写办理单位")
        order.transfers.append(Transfer(unit, at, opinion))
    return order


def _check_result(order: Order) -> None:
    """Results must be ones our lifecycle can reach (how the export writes them)."""
    if order.reworks > MAX_REWORKS:
        raise F.Bad(f"返工次数不能超过 {MAX_REWORKS}")
    if order.resolved_at is not None:
        if order.result is None:
            raise F.Bad("有办结时间时须填写办理结果")
        if order.resolved_at < order.received_at:
            raise F.Bad("办结时间早于受理时间")
    elif order.result is not None and order.reworks == 0:
        raise F.Bad("有办理结果却没有办结时间：只有返工后重新办理的工单如此，须填写返工次数")
    if order.rating is not None and order.result is None:
        raise F.Bad("有满意度时须填写办理结果")
    if order.rating not in (None, "unsatisfied") and order.resolved_at is None:
        raise F.Bad("满意度为满意或基本满意时须填写办结时间")
    if order.reworks and order.result is None:
        raise F.Bad("有返工次数时须填写办理结果（返工的是已办结的工单）")
    if order.rating == "unsatisfied" and order.reworks == 0:
        raise F.Bad("满意度为不满意时返工次数至少为 1")


def read_orders(data: bytes) -> list[Order]:
    """The work orders of a file, in the order they first appear; :class:`ImportRejected` names every bad line."""
    try:
        text = decode(data)
    except UnicodeDecodeError:
        raise ImportRejected([RowError(1, "无法识别文件编码：请用 UTF-8 或 GBK")]) from None
    is_json = text.lstrip().startswith(("[", "{"))
    unit = "条" if is_json else "行"
    orders: dict[str, Order] = {}
    errors: list[RowError] = []
    for line, record in _records(text):
        try:
            order = _order(line, record)
        except F.Bad as bad:
            errors.append(RowError(line, str(bad), unit))
            continue
        first = orders.get(order.number)
        if first is None:
            orders[order.number] = order
        elif first.same_order() != order.same_order():
            errors.append(RowError(line, f"与第 {first.line} {unit}是同一工单（{order.number}），但除转办外的内容不一致",
                                   unit))
        else:
            first.transfers.extend(t for t in order.transfers if t not in first.transfers)
    if errors:
        raise ImportRejected(errors)
    if not orders:
        raise ImportRejected([RowError(1, "文件中没有工单")])
    return list(orders.values())
