"""The category mapping table: which of our categories a hotline category becomes.

A row maps a hotline category, or the start of one, to one of our category codes; the longest row that starts the
order's category wins, so ``城乡建设/市容环境`` covers ``城乡建设/市容环境/乱堆乱放`` and a row for ``""`` catches every
category no other row maps. An order whose category nothing maps is a bad line of its file. Admins edit the table
with ``mashangban hotline-map`` or ``PUT /api/admin/hotline-categories`` (the whole table at once).
"""
from __future__ import annotations

from typing import Any

from server.errors import ApiError
from server.hotline.reader import MAX_CATEGORY
from server.storage import Database, hotline, reference

# A starting table for a subdistrict seeded with the demo categories (server/demo.py).
DEMO = (
    ("城乡建设/市容环境", "env"), ("市容环境", "env"), ("市政设施", "facility"), ("城乡建设/市政设施", "facility"),
    ("安全生产", "hazard"), ("交通管理", "traffic"), ("环境保护/噪声污染", "noise"), ("噪声污染", "noise"),
    ("物业管理", "property"), ("矛盾纠纷", "dispute"), ("社会救助", "help"), ("政策咨询", "consult"),
    ("意见建议", "suggestion"),
)


def category_for(table: dict[str, str], hotline_category: str) -> str | None:
    """Our category for the hotline's, by the longest matching start; None when no row matches."""
    matches = [prefix for prefix in table if hotline_category.startswith(prefix)]
    return table[max(matches, key=len)] if matches else None


def parse_table(data: Any, categories: set[str]) -> list[tuple[str, str]]:
    """The rows of ``{"mappings": [{"hotline", "category"}]}``, each checked (400 names the first bad row)."""
    rows = data.get("mappings") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ApiError(400, "invalid_args", "请提交 {\"mappings\": [{\"hotline\": …, \"category\": …}]}", field="mappings")
    table: dict[str, str] = {}
    for i, row in enumerate(rows, 1):
        hotline_value = row.get("hotline") if isinstance(row, dict) else None
        category = row.get("category") if isinstance(row, dict) else None
        if not isinstance(hotline_value, str) or not isinstance(category, str):
            raise ApiError(400, "invalid_args", f"第 {i} 项应有文字 hotline 和 category", field="mappings")
        problem = check(hotline_value.strip(), category, categories)
        if problem:
            raise ApiError(400, "invalid_args", f"第 {i} 项：{problem}", field="mappings")
        if hotline_value.strip() in table:
            raise ApiError(400, "invalid_args", f"第 {i} 项：热线分类“{hotline_value.strip()}”重复", field="mappings")
        table[hotline_value.strip()] = category
    return sorted(table.items())


def check(hotline_value: str, category: str, categories: set[str]) -> str | None:
    if len(hotline_value) > MAX_CATEGORY:
        return f"热线分类不能超过 {MAX_CATEGORY} 个字"
    if category not in categories:
        return f"本系统没有分类“{category[:32]}”"
    return None


async def replace(db: Database, data: Any) -> list[tuple[str, str]]:
    async with db.write() as conn:
        rows = parse_table(data, await reference.existing_codes(conn, "categories"))
        await hotline.replace_mappings(conn, rows)
    return rows


async def set_one(db: Database, hotline_value: str, category: str) -> None:
    async with db.write() as conn:
        problem = check(hotline_value.strip(), category, await reference.existing_codes(conn, "categories"))
        if problem:
            raise ValueError(problem)
        await hotline.set_mapping(conn, hotline_value.strip(), category)


async def remove_one(db: Database, hotline_value: str) -> None:
    async with db.write() as conn:
        if not await hotline.remove_mapping(conn, hotline_value.strip()):
            raise ValueError(f"映射表中没有热线分类“{hotline_value.strip()}”")
