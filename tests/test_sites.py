"""Sites: the CSV import is all-or-nothing and names each bad row; retiring a code; the CLI."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from server import demo, sites
from server.storage import Database, database, reference
from tests.support.databases import new_database

GOOD = "code,name,kind,community,address,default_team\nBL-NEW-001,新站点一,residential,天鑫社区,某路 1 号,TX-WG\n"


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with database(new_database(tmp_path)) as db:
        await demo.seed(db, "pw-for-tests")
        yield db


async def test_bad_csv_changes_nothing_and_names_every_bad_line(db: Database) -> None:
    before = [tuple(r) for r in await reference.list_sites(db, include_retired=True)]
    text = (
        "code,name,kind,community,address,default_team\n"
        "BL-NEW-001,新站点一,residential,天鑫社区,,\n"        # line 2: fine
        "bl-bad,小写编号,residential,天鑫社区,,\n"             # line 3: bad code
        "BL-NEW-002,,castle,天鑫社区,,NO-SUCH-TEAM\n"        # line 4: no name, bad kind, unknown team
        "BL-TX-001,重复编号,community,天鑫社区,,\n"            # line 5: code already taken
        "BL-NEW-001,文件内重复,community,天鑫社区,,\n"          # line 6: duplicate within the file
    )
    with pytest.raises(sites.ImportRejected) as info:
        await sites.import_csv(db, text)
    lines = sorted({e.line for e in info.value.errors})
    assert lines == [3, 4, 5, 6]
    messages = "\n".join(str(e) for e in info.value.errors)
    assert "第 4 行" in messages and "castle" in messages and "NO-SUCH-TEAM" in messages
    assert [tuple(r) for r in await reference.list_sites(db, include_retired=True)] == before


async def test_good_csv_imports_every_row(db: Database) -> None:
    text = GOOD + "BL-NEW-002,新站点二,construction_site,龙腾社区,,\n"
    assert await sites.import_csv(db, "\ufeff" + text) == 2
    row = await reference.get_site(db, "BL-NEW-002")
    assert row is not None and row["kind"] == "construction_site" and row["active"] == 1


async def test_csv_without_required_columns_is_refused(db: Database) -> None:
    with pytest.raises(sites.ImportRejected) as info:
        await sites.import_csv(db, "code,name\nBL-X,名\n")
    assert info.value.errors[0].line == 1 and "kind" in str(info.value.errors[0])


async def test_retire_points_to_replacement(db: Database) -> None:
    await sites.retire_site(db, "BL-TX-002", replaced_by="BL-TX-003")
    row = await reference.get_site(db, "BL-TX-002")
    assert row is not None and not row["active"] and row["replaced_by"] == "BL-TX-003"
    assert "BL-TX-002" not in {r["code"] for r in await reference.list_sites(db)}
    with pytest.raises(ValueError):
        await sites.retire_site(db, "BL-TX-002")
    with pytest.raises(ValueError):
        await sites.retire_site(db, "BL-TX-004", replaced_by="NOPE")


async def test_demo_seed_is_idempotent(db: Database) -> None:
    snapshot = {t: [tuple(r) for r in await db.fetchall(f"SELECT * FROM {t} ORDER BY 1")]
                for t in ("sites", "teams", "categories", "users", "hotline_categories")}
    assert await demo.seed(db, "another-password") == {"teams": 0, "categories": 0, "sites": 0, "users": 0,
                                                       "hotline_categories": 0}
    for table, rows in snapshot.items():
        assert [tuple(r) for r in await db.fetchall(f"SELECT * FROM {table} ORDER BY 1")] == rows, table


async def test_demo_has_every_kind_of_site_team_and_the_categories(db: Database) -> None:
    all_sites = await reference.list_sites(db)
    assert len(all_sites) >= 20
    assert {r["kind"] for r in all_sites} == set(reference.SITE_KINDS)
    assert {r["kind"] for r in await reference.list_teams(db)} == set(reference.TEAM_KINDS)
    names = {r["name_zh"] for r in await reference.list_categories(db)}
    for name in ("市容环境", "安全隐患", "交通安全", "噪音扰民", "物业管理", "矛盾纠纷", "求助", "意见建议", "政策咨询", "其他"):
        assert name in names
    help_ = next(r for r in await reference.list_categories(db) if r["code"] == "help")
    assert help_["response_limit_minutes"] == 10 and help_["urgent"] == 1


def run_cli(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", "--db", db, *args],
                          capture_output=True, text=True, input=stdin, timeout=60)


def test_cli_site_commands_and_import(tmp_path: Path) -> None:
    db = new_database(tmp_path, "cli")
    assert run_cli(db, "site", "list").returncode == 0
    added = run_cli(db, "site", "add", "BL-CLI-001", "命令行站点", "--kind", "street", "--community", "天鑫社区")
    assert added.returncode == 0, added.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,community\nBL-CLI-002,好站点,street,天鑫社区\nBL-CLI-001,重复,street,天鑫社区\n",
                   encoding="utf-8")
    result = run_cli(db, "site", "import", str(bad))
    assert result.returncode == 1 and "第 3 行" in result.stderr and "没有导入任何站点" in result.stderr
    listed = run_cli(db, "site", "list").stdout
    assert "BL-CLI-001" in listed and "BL-CLI-002" not in listed
    good = tmp_path / "good.csv"
    good.write_text("code,name,kind,community\nBL-CLI-002,好站点,street,天鑫社区\n", encoding="utf-8")
    assert run_cli(db, "site", "import", str(good)).returncode == 0
    assert run_cli(db, "site", "retire", "BL-CLI-001", "--replaced-by", "BL-CLI-002").returncode == 0
    listed = run_cli(db, "site", "list", "--all").stdout
    assert "已停用 → BL-CLI-002" in listed


def test_cli_posters_writes_decodable_svg_and_png_for_every_site(tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    db = new_database(tmp_path, "cli")
    run_cli(db, "site", "add", "BL-CLI-001", "一号", "--kind", "street", "--community", "天鑫社区")
    run_cli(db, "site", "add", "BL-CLI-002", "二号", "--kind", "street", "--community", "天鑫社区")
    result = run_cli(db, "posters", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "[2/2]" in result.stderr
    for code in ("BL-CLI-001", "BL-CLI-002"):
        assert (tmp_path / "out" / f"{code}.svg").read_bytes().startswith(b"<?xml")
        texts = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "out" / f"{code}.png"))]
        assert texts == [f"http://127.0.0.1:8000/s/{code}"]
