"""Sites: validation of a site record and the all-or-nothing CSV import."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from server.storage import Database, reference

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
CSV_COLUMNS = ("code", "name", "kind", "community", "address", "default_team")
KIND_NAMES = {
    "community": "社区", "residential": "小区", "industrial_park": "园区",
    "construction_site": "工地", "street": "街道/道路", "service_centre": "党群服务中心",
}


@dataclass
class RowError:
    line: int
    message: str
    unit: str = "行"  # a JSON file names its records: 第 3 条

    def __str__(self) -> str:
        return f"第 {self.line} {self.unit}: {self.message}"


class SiteRefused(ValueError):
    """A site change refused, with the reasons in Chinese (the only text of an error the admin API passes on)."""


class SiteNotFound(LookupError):
    """No such site (or no such active site, where one is needed)."""


class ImportRejected(Exception):
    """The file was refused as a whole; ``errors`` names each bad row by line number."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def validate_site(site: dict[str, Any], teams: set[str], taken: set[str]) -> list[str]:
    """Problems with one site record, in Chinese; empty when it may be added."""
    problems = []
    code = site.get("code", "")
    if not CODE_RE.match(code):
        problems.append(f"站点编号“{code}”无效：只能用大写字母、数字和连字符，2–32 个字符")
    elif code in taken:
        problems.append(f"站点编号“{code}”已存在")
    if not site.get("name", "").strip():
        problems.append("站点名称不能为空")
    elif len(site["name"]) > 60:
        problems.append("站点名称不能超过 60 个字")
    if site.get("kind") not in KIND_NAMES:
        problems.append(f"类型“{site.get('kind', '')}”无效，应为 {', '.join(KIND_NAMES)} 之一")
    if not site.get("community", "").strip():
        problems.append("所属社区不能为空")
    team = site.get("default_team") or ""
    if team and team not in teams:
        problems.append(f"默认队伍“{team}”不存在")
    return problems


def parse_csv(text: str, teams: set[str], taken: set[str]) -> list[dict[str, str]]:
    """Every row of a sites CSV, or :class:`ImportRejected` listing every bad row (line numbers count the header)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [c for c in CSV_COLUMNS[:4] if c not in header]
    if missing:
        raise ImportRejected([RowError(1, f"表头缺少列：{', '.join(missing)}（应为 {','.join(CSV_COLUMNS)}）")])
    errors: list[RowError] = []
    sites: list[dict[str, str]] = []
    seen = set(taken)
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(RowError(line, "列数多于表头"))
            continue
        site = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
        problems = validate_site(site, teams, seen)
        if problems:
            errors.extend(RowError(line, p) for p in problems)
        else:
            seen.add(site["code"])
            sites.append(site)
    if errors:
        raise ImportRejected(errors)
    if not sites:
        raise ImportRejected([RowError(1, "文件中没有站点")])
    return sites


async def import_csv(db: Database, text: str) -> int:
    """Add every site in the CSV in one transaction, or none of them."""
    async with db.write() as conn:
        teams = await reference.existing_codes(conn, "teams")
        taken = await reference.existing_codes(conn, "sites")
        sites = parse_csv(text, teams, taken)
        for site in sites:
            await reference.insert_site(conn, site)
    return len(sites)


async def add_site(db: Database, site: dict[str, Any]) -> None:
    async with db.write() as conn:
        problems = validate_site(site, await reference.existing_codes(conn, "teams"),
                                 await reference.existing_codes(conn, "sites"))
        if problems:
            raise SiteRefused("；".join(problems))
        await reference.insert_site(conn, site)


async def retire_site(db: Database, code: str, replaced_by: str | None = None) -> None:
    if replaced_by == code:
        raise SiteRefused(f"站点“{code}”不能由它自己替代，请指定另一个站点")
    async with db.write() as conn:
        if replaced_by is not None:
            row = await reference.get_row(conn, "sites", replaced_by)
            if row is None or not row[0]:
                raise SiteRefused(f"替代站点“{replaced_by}”不存在或已停用")
        if not await reference.retire_site(conn, code, replaced_by):
            raise SiteRefused(f"站点“{code}”不存在或已停用")


def edit_problems(changes: dict[str, Any], teams: set[str]) -> list[str]:
    """Problems with a partial update of a site (its code never changes: reissue makes a new one)."""
    merged = {"code": "XX", "name": "x", "kind": "community", "community": "x", **changes}
    return validate_site(merged, teams, set())


async def edit_site(db: Database, code: str, changes: dict[str, Any]) -> None:
    """Change a site's name, kind, community, address or default team; posters print the new values."""
    async with db.write() as conn:
        problems = edit_problems(changes, await reference.existing_codes(conn, "teams"))
        if problems:
            raise SiteRefused("；".join(problems))
        if "default_team" in changes:
            changes = {**changes, "default_team": changes["default_team"] or None}
        if not await reference.update_row(conn, "sites", code, changes):
            raise SiteNotFound(f"站点“{code}”不存在")


def next_code(code: str, taken: set[str]) -> str:
    """The next free code in ``code``'s series: BL-TX-001 → BL-TX-006 when 001–005 exist."""
    prefix, _, number = code.rpartition("-")
    if not prefix or not number.isdigit():
        prefix, number = code, "0"
    width = max(len(number), 3)
    used = [int(c[len(prefix) + 1:]) for c in taken
            if c.startswith(prefix + "-") and c[len(prefix) + 1:].isdigit()]
    candidate = max(used, default=int(number)) + 1
    while f"{prefix}-{candidate:0{width}d}" in taken:
        candidate += 1
    return f"{prefix}-{candidate:0{width}d}"


async def reissue_code(db: Database, code: str, new_code: str | None = None) -> str:
    """Give an active site a new code (a defaced or misused poster): a copy under the new code is added and
    the old code is retired with ``replaced_by`` pointing at it, in one transaction. Returns the new code."""
    async with db.write() as conn:
        old = await reference.get_row(conn, "sites", code)
        if old is None or not old["active"]:
            raise SiteNotFound(f"站点“{code}”不存在或已停用")
        taken = await reference.existing_codes(conn, "sites")
        new_code = new_code or next_code(code, taken)
        site = {c: old[c] for c in CSV_COLUMNS}
        site["code"] = new_code
        site["default_team"] = site["default_team"] or ""
        problems = validate_site(site, await reference.existing_codes(conn, "teams"), taken)
        if problems:
            raise SiteRefused("；".join(problems))
        await reference.insert_site(conn, site)
        await reference.retire_site(conn, code, new_code)
    return new_code
