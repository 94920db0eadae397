"""Demo data: 宝龙街道 with its communities, sites of every kind, categories, teams, staff users, and a starting
12345 category mapping.

Seeding is idempotent: rows are added by code or username only when missing, so re-running changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.passwords import hash_password
from server.storage import Database
from server.hotline import mapping
from server.storage import hotline, reference, users

# Default limits follow common 12345 practice: consultation 2 working days, help and suggestions 10,
# complaints 15; urgent help is answered within 10 minutes.
CATEGORIES = [
    # code, 中文, English, kind, response minutes, resolution working days, default team, urgent, icon
    ("env", "市容环境", "City appearance", "complaint", 120, 15, "BL-CG", 0, "broom"),
    ("facility", "市政设施（路灯/井盖/道路）", "Municipal facilities", "complaint", 120, 15, "BL-SZ", 0, "lamp"),
    ("hazard", "安全隐患", "Safety hazard", "complaint", 30, 15, "BL-AJ", 1, "warning"),
    ("traffic", "交通安全", "Traffic safety", "complaint", 60, 15, "BL-JJ", 0, "traffic"),
    ("noise", "噪音扰民", "Noise", "complaint", 120, 15, "BL-CG", 0, "noise"),
    ("property", "物业管理", "Property management", "complaint", 240, 15, None, 0, "building"),
    ("dispute", "矛盾纠纷", "Dispute", "complaint", 120, 15, "BL-TJ", 0, "handshake"),
    ("help", "求助", "Request for help", "help", 10, 10, "BL-DY", 1, "help"),
    ("suggestion", "意见建议", "Suggestion", "suggestion", 480, 10, None, 0, "idea"),
    ("consult", "政策咨询", "Policy question", "consultation", 480, 2, None, 0, "question"),
    ("other", "其他", "Other", "complaint", 480, 15, None, 0, "more"),
]

COMMUNITIES = ["天鑫社区", "龙腾社区", "宝华社区", "新和社区", "锦绣社区"]

TEAMS = [
    ("BL-DY", "宝龙街道党员先锋队", "vanguard", None),
    ("BL-TJ", "宝龙街道人民调解室", "mediation", None),
    ("BL-CG", "宝龙街道城管中队", "department", None),
    ("BL-SZ", "宝龙街道市政所", "department", None),
    ("BL-AJ", "宝龙街道安监办", "department", None),
    ("BL-JJ", "宝龙派出所交警组", "department", None),
    ("BL-PCS", "宝龙派出所", "department", None),
    ("TX-WG", "天鑫社区网格工作站", "grid", "天鑫社区"),
    ("LT-WG", "龙腾社区网格工作站", "grid", "龙腾社区"),
    ("BH-WG", "宝华社区网格工作站", "grid", "宝华社区"),
    ("XH-WG", "新和社区网格工作站", "grid", "新和社区"),
    ("JX-WG", "锦绣社区网格工作站", "grid", "锦绣社区"),
    ("TX-WY", "天鑫花园物业服务中心", "property", "天鑫社区"),
    ("LT-WY", "龙腾名苑物业服务中心", "property", "龙腾社区"),
    ("TX-DY", "天鑫社区党员先锋队", "vanguard", "天鑫社区"),
]

SITES = [
    # code, name, kind, community, address, default team
    ("BL-TX-001", "天鑫社区党群服务中心", "service_centre", "天鑫社区", "宝龙大道 88 号", "TX-WG"),
    ("BL-TX-002", "天鑫花园", "residential", "天鑫社区", "天鑫路 12 号", "TX-WY"),
    ("BL-TX-003", "天鑫社区", "community", "天鑫社区", "天鑫路 1 号", "TX-WG"),
    ("BL-TX-004", "天鑫路", "street", "天鑫社区", "天鑫路全段", "TX-WG"),
    ("BL-TX-005", "天鑫二期建设工地", "construction_site", "天鑫社区", "天鑫路 30 号", "BL-AJ"),
    ("BL-LT-001", "龙腾社区党群服务中心", "service_centre", "龙腾社区", "龙腾路 6 号", "LT-WG"),
    ("BL-LT-002", "龙腾名苑", "residential", "龙腾社区", "龙腾路 18 号", "LT-WY"),
    ("BL-LT-003", "龙腾社区", "community", "龙腾社区", "龙腾路 2 号", "LT-WG"),
    ("BL-LT-004", "龙腾工业园", "industrial_park", "龙腾社区", "龙腾工业大道 3 号", "LT-WG"),
    ("BL-LT-005", "龙腾地铁站改造工地", "construction_site", "龙腾社区", "龙腾路与宝龙大道交叉口", "BL-AJ"),
    ("BL-BH-001", "宝华社区党群服务中心", "service_centre", "宝华社区", "宝华路 9 号", "BH-WG"),
    ("BL-BH-002", "宝华新村", "residential", "宝华社区", "宝华路 21 号", "BH-WG"),
    ("BL-BH-003", "宝华社区", "community", "宝华社区", "宝华路 1 号", "BH-WG"),
    ("BL-BH-004", "宝华科技园", "industrial_park", "宝华社区", "宝华科技路 5 号", "BH-WG"),
    ("BL-BH-005", "宝华路", "street", "宝华社区", "宝华路全段", "BH-WG"),
    ("BL-XH-001", "新和社区党群服务中心", "service_centre", "新和社区", "新和大道 66 号", "XH-WG"),
    ("BL-XH-002", "新和村城中村片区", "community", "新和社区", "新和村一巷至九巷", "XH-WG"),
    ("BL-XH-003", "新和雅苑", "residential", "新和社区", "新和大道 80 号", "XH-WG"),
    ("BL-XH-004", "新和物流园", "industrial_park", "新和社区", "新和物流路 2 号", "XH-WG"),
    ("BL-JX-001", "锦绣社区党群服务中心", "service_centre", "锦绣社区", "锦绣路 3 号", "JX-WG"),
    ("BL-JX-002", "锦绣家园", "residential", "锦绣社区", "锦绣路 15 号", "JX-WG"),
    ("BL-JX-003", "锦绣社区", "community", "锦绣社区", "锦绣路 1 号", "JX-WG"),
    ("BL-JX-004", "锦绣学校周边道路", "street", "锦绣社区", "锦绣路与学府路交叉口", "JX-WG"),
    ("BL-JX-005", "锦绣商业综合体工地", "construction_site", "锦绣社区", "锦绣路 40 号", "BL-AJ"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    team: str | None


USERS = [
    DemoUser("admin", "系统管理员", "admin", None),
    DemoUser("dispatcher", "街道指挥中心调度员", "dispatcher", None),
    DemoUser("field1", "天鑫社区网格员 张敏", "field", "TX-WG"),
    DemoUser("field2", "党员先锋队 李强", "field", "BL-DY"),
]


async def seed(db: Database, password: str) -> dict[str, int]:
    """Add the demo rows that are missing; returns how many of each kind were added."""
    async with db.write() as conn:
        teams = await reference.upsert_many(conn, "teams", (
            {"code": c, "name": n, "kind": k, "community": m} for c, n, k, m in TEAMS))
        categories = await reference.upsert_many(conn, "categories", (
            {"code": c, "name_zh": zh, "name_en": en, "kind": kind, "response_limit_minutes": resp,
             "resolution_limit_days": days, "default_team": team, "urgent": urgent, "icon": icon, "sort": i}
            for i, (c, zh, en, kind, resp, days, team, urgent, icon) in enumerate(CATEGORIES)))
        sites = await reference.upsert_many(conn, "sites", (
            {"code": c, "name": n, "kind": k, "community": m, "address": a, "default_team": t}
            for c, n, k, m, a, t in SITES))
        hotline_categories = await hotline.add_missing_mappings(conn, mapping.DEMO)
        existing = await users.existing_usernames(conn)
        added_users = 0
        for u in USERS:
            if u.username not in existing:
                await users.insert_user(conn, u.username, u.display_name, u.role, u.team, hash_password(password))
                added_users += 1
    return {"teams": teams, "categories": categories, "sites": sites, "users": added_users,
            "hotline_categories": hotline_categories}
