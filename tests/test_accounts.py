"""Account hygiene: no easily guessed password through the admin API or the CLI, the CLI's `user add` checks what
the API checks and says so in Chinese, device tokens expire unless used, and the admin site API never hands out a
Python exception's text."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from server.password_policy import password_problem
from tests.staff_support import client_for, login, running_app, seed_demo, signed_in
from tests.support.databases import new_database, query

WEAK = ["12345678", "password", " " * 8, "qwer1234", "P@ssw0rd", "11111111a", "abc12345", "woaini1314",
        "iloveyou", "baolong2026", "1qaz2wsx", "zhaoli123"]
STRONG = ["Kapok-lane-318", "long-enough-1", "晚风吹过第三条巷子", "tea at 4 on the ferry"]
PYTHON_TEXT = ("codec", "surrogates", "Traceback", "invalid literal", "Error", "object has no")


@pytest.mark.parametrize("password", WEAK)
def test_common_and_trivial_passwords_are_refused_in_chinese(password: str) -> None:
    problem = password_problem(password, "zhaoli", "赵丽")
    assert problem is not None and any("\u4e00" <= c <= "\u9fff" for c in problem)


@pytest.mark.parametrize("password", STRONG)
def test_long_uncommon_passwords_pass(password: str) -> None:
    assert password_problem(password, "zhaoli", "赵丽") is None


def test_a_password_made_of_the_username_is_refused() -> None:
    assert password_problem("zhaoli2024", "zhaoli") is not None


async def test_the_admin_api_refuses_weak_passwords_and_changes_nothing(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            for password in ("12345678", "password", " " * 8):
                r = await admin.post("/api/admin/users", json={"username": "zhaoli", "display_name": "赵丽",
                                                               "role": "field", "password": password})
                assert r.status_code == 400 and r.json()["error"] == "weak_password", password
                assert r.json()["field"] == "password" and "密码" in r.json()["message"]
                r = await admin.post("/api/admin/users/field1/password", json={"password": password})
                assert r.status_code == 400 and r.json()["error"] == "weak_password"
            names = {u["username"] for u in (await admin.get("/api/admin/users")).json()["users"]}
            assert "zhaoli" not in names
        async with client_for(app) as field1:
            await login(field1, "field1")  # the old password still works


def _cli(db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", "--db", db, *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


async def test_the_cli_checks_what_the_admin_api_checks_and_says_it_in_chinese(tmp_path: Path) -> None:
    db = new_database(tmp_path)
    await seed_demo(db)
    add = ("user", "add", "--role", "field", "--password-stdin")
    for args, stdin, words in (
            ((*add, "zhaoli"), "12345678\n", "密码"),
            ((*add, "zhaoli"), "        \n", "密码"),
            ((*add, "Zhao Li"), "Kapok-lane-318\n", "用户名"),
            ((*add, "zhaoli", "--team", "NOPE"), "Kapok-lane-318\n", "队伍“NOPE”不存在"),
            (("user", "passwd", "field1", "--password-stdin"), "password\n", "密码"),
            (("user", "passwd", "nobody", "--password-stdin"), "Kapok-lane-318\n", "不存在")):
        done = _cli(db, *args, stdin=stdin)
        assert done.returncode == 1 and words in done.stderr, (args, done.stderr)
        assert not any(text in done.stderr for text in PYTHON_TEXT), done.stderr
    assert query(db, "SELECT COUNT(*) AS n FROM users WHERE username LIKE 'zhao%'")[0]["n"] == 0
    done = _cli(db, *add, "zhaoli", "--team", "TX-WG", "--name", "赵丽", stdin="Kapok-lane-318\n")
    assert done.returncode == 0, done.stderr
    assert query(db, "SELECT team, display_name FROM users WHERE username = 'zhaoli'") == [
        {"team": "TX-WG", "display_name": "赵丽"}]


async def test_a_device_token_expires_unless_used_and_each_use_renews_it(tmp_path: Path) -> None:
    async with running_app(tmp_path, device_token_days=30) as app:
        db = app.state.db

        async def device(name: str) -> tuple[str, int]:
            async with client_for(app) as phone:
                r = await phone.post("/api/auth/login", json={"username": "field1", "password": "demo1234",
                                                              "device": name})
            row = await db.fetchone("SELECT id FROM devices WHERE name = ?", (name,))
            return r.json()["device_token"], int(row["id"])

        async def seen(device_id: int, when: str | None, issued: str = "2000-01-01T00:00:00.000Z") -> None:
            async with db.write() as conn:
                await conn.execute("UPDATE devices SET last_seen = ?, created_at = ? WHERE id = ?",
                                   (when, issued, device_id))

        async def me(token: str) -> int:
            async with client_for(app, Authorization=f"Bearer {token}") as phone:
                return (await phone.get("/api/auth/me")).status_code

        fresh, fresh_id = await device("新手机")
        assert await me(fresh) == 200
        last_seen = (await db.fetchone("SELECT last_seen FROM devices WHERE id = ?", (fresh_id,)))[0]
        assert last_seen is not None  # written on use

        idle, idle_id = await device("抽屉里的手机")
        await seen(idle_id, None, issued="2000-01-01T00:00:00.000Z")  # issued long ago, never used since
        assert await me(idle) == 401

        used, used_id = await device("常用的手机")
        recent = "2000-01-01T00:00:00.000Z"
        async with db.write() as tx:  # last used 29 days ago: still valid, and this use renews it
            row = await tx.fetchone(f"SELECT {tx.dialect.now_plus()}", ("-29 days",))
            recent = row[0]
        await seen(used_id, recent)
        assert await me(used) == 200
        renewed = (await db.fetchone("SELECT last_seen FROM devices WHERE id = ?", (used_id,)))[0]
        assert renewed > recent
        async with client_for(app, Authorization=f"Bearer {idle}") as phone:  # and the sync API refuses it too
            r = await phone.get("/api/sync/pull", headers={"X-Client-Id": "ab" * 16})
            assert r.status_code == 401


async def test_the_admin_site_api_never_answers_with_python_exception_text(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     headers={"Origin": "http://testserver"}) as admin:
            await login(admin, "admin")
            for method, path, body in (
                    ("PATCH", "/api/admin/sites/BL-TX-001", b'{"name": "\\ud800"}'),
                    ("POST", "/api/admin/sites", b'{"code": "BL-X-1", "name": "\\ud800", "kind": "community",'
                                                 b' "community": "x"}'),
                    ("POST", "/api/admin/sites/BL-TX-002/reissue", b'{"new_code": "BL-\\u00b2"}'),
                    ("PATCH", "/api/admin/sites/BL-TX-003", b'{"default_team": "\\udfff"}')):
                r = await admin.request(method, path, content=body, headers={"content-type": "application/json"})
                assert r.status_code >= 400, (path, r.text)
                assert not any(text in r.text for text in PYTHON_TEXT), (path, r.text)
            # A site cannot be retired in favour of itself.
            r = await admin.post("/api/admin/sites/BL-TX-001/retire", json={"replaced_by": "BL-TX-001"})
            assert r.status_code == 400 and r.json()["error"] == "invalid_site" and "自己" in r.json()["message"]
            listed = {s["code"]: s for s in (await admin.get("/api/admin/sites")).json()["sites"]}
            assert listed["BL-TX-001"]["active"] is True


async def test_the_cli_refuses_to_retire_a_site_in_favour_of_itself(tmp_path: Path) -> None:
    db = new_database(tmp_path)
    await seed_demo(db)
    done = _cli(db, "site", "retire", "BL-TX-001", "--replaced-by", "BL-TX-001")
    assert done.returncode == 1 and "自己" in done.stderr
    assert query(db, "SELECT active, replaced_by FROM sites WHERE code = 'BL-TX-001'") == [
        {"active": 1, "replaced_by": None}]
