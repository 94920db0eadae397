"""12345 work orders: import from GBK and UTF-8 (BOM) CSV and JSON, idempotent by 工单编号, later files add events
not cases, bad files change nothing and name each bad line, the category mapping, 是否保密 and 是否回复, and the export
whose import into a fresh database gives the same export back."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server import demo
from server.hotline import fields as F
from server.hotline.export import export_csv
from server.hotline.importer import import_file
from server.hotline.mapping import category_for
from server.sites import ImportRejected
from server.storage import Database, database
from tests.open311_support import Server, push, running
from tests.support.databases import fresh_database, new_database

HEADER = F.ORDER_FIELDS
A = {F.ORDER_NO: "GD202611200001", F.CALLER: "王先生", F.PHONE: "13800001111", F.CATEGORY: "城乡建设/市容环境/乱堆乱放",
     F.URGENCY: "一般", F.CALL_TYPE: "投诉", F.INTAKE: "电话", F.CONTENT: "天鑫路有垃圾堆放多日", F.RECEIVED: "2026-11-20 09:30:00",
     F.CONFIDENTIAL: "否", F.CALLBACK: "是", F.UNIT: "宝龙街道办事处", F.TRANSFERRED: "2026-11-20 10:00:00",
     F.OPINION: "请核实处理", F.DEADLINE: "2026-11-27"}
B = {**A, F.ORDER_NO: "GD202611210002", F.CALLER: "李女士", F.PHONE: "13900002222", F.CATEGORY: "噪声污染", F.URGENCY: "紧急",
     F.INTAKE: "网站", F.CONTENT: "夜间施工噪音", F.RECEIVED: "2026/11/21 22:05", F.CONFIDENTIAL: "是", F.CALLBACK: "否",
     F.TRANSFERRED: "2026-11-21 22:30", F.OPINION: "请尽快处理", F.DEADLINE: "2026-11-25 18:00"}
B2 = {**B, F.UNIT: "龙腾社区", F.TRANSFERRED: "2026-11-22 08:00", F.OPINION: "街道转社区"}
TABLES = ("cases", "events", "hotline_orders", "clients", "mutations", "case_counters")


def csv_bytes(rows: list[dict[str, str]], encoding: str, header: tuple[str, ...] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    url = new_database(tmp_path, "hotline")
    asyncio.run(_seed(url))
    return url


async def _seed(url: str) -> None:
    async with database(url) as db:
        await demo.seed(db, "pw-for-tests")


def run(url: str, work: Any) -> Any:
    """``work(db)`` on the database at ``url``."""
    async def go() -> Any:
        async with database(url) as db:
            return await work(db)
    return asyncio.run(go())


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    async def read(db: Database) -> dict[str, list[tuple[Any, ...]]]:
        return {t: [tuple(r) for r in await db.fetchall(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}
    return run(url, read)  # type: ignore[no-any-return]


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", "--db", url, *args], capture_output=True, text=True,
                          timeout=60)


def test_a_gbk_csv_makes_cases_through_the_engine_and_a_second_import_changes_nothing(db_path: str,
                                                                                       tmp_path: Path) -> None:
    file = tmp_path / "orders-gbk.csv"
    file.write_bytes(csv_bytes([A, B, B2], "gbk"))
    first = cli(db_path, "import-12345", str(file), "--site", "BL-TX-001")
    assert first.returncode == 0, first.stderr
    assert "新建 2 件" in first.stdout
    rows = run(db_path, lambda db: db.fetchall(
        "SELECT h.order_no, h.category, h.urgency, h.call_type, h.intake_channel, c.category, c.channel, c.site,"
        " c.priority, c.contact_name, c.contact_phone, c.confidential, c.callback, c.created_at, c.resolution_due,"
        " c.description, c.id FROM hotline_orders h JOIN cases c ON c.id = h.case_id ORDER BY h.order_no"))
    a, b = (tuple(r) for r in rows)
    assert a[:16] == ("GD202611200001", "城乡建设/市容环境/乱堆乱放", "一般", "投诉", "电话", "env", "12345", "BL-TX-001",
                      "normal", "王先生", "13800001111", 0, 1, "2026-11-20T01:30:00.000Z", "2026-11-27T15:59:59.999Z",
                      "天鑫路有垃圾堆放多日")
    assert b[5:15] == ("noise", "12345", "BL-TX-001", "high", "李女士", "13900002222", 1, 0, "2026-11-21T14:05:00.000Z",
                       "2026-11-25T10:00:00.000Z")
    events = run(db_path, lambda db: db.fetchall("SELECT case_id, type, actor, payload FROM events ORDER BY seq"))
    transfers = [(e["case_id"], json.loads(e["payload"])) for e in events if e["type"] == "case.transfer"]
    assert [t for c, t in transfers if c == b[16]] == [
        {"unit": "宝龙街道办事处", "at": "2026-11-21T14:30:00.000Z", "opinion": "请尽快处理"},
        {"unit": "龙腾社区", "at": "2026-11-22T00:00:00.000Z", "opinion": "街道转社区"}]
    assert {json.loads(e["actor"])["channel"] for e in events} == {"12345"}
    before = snapshot(db_path)
    again = cli(db_path, "import-12345", str(file), "--site", "BL-TX-001")
    assert again.returncode == 0 and "未变 2 件" in again.stdout
    assert snapshot(db_path) == before


def test_a_bad_file_changes_nothing_and_names_each_bad_line(db_path: str, tmp_path: Path) -> None:
    before = snapshot(db_path)
    bad = [A, {**B, F.RECEIVED: "昨天"}, {**B, F.ORDER_NO: "X3", F.CONFIDENTIAL: "也许"},
           {**B, F.ORDER_NO: "X4", F.URGENCY: "十万火急"}, {**A, F.CONTENT: "同一工单，内容不同"},
           {**B, F.ORDER_NO: "X6", F.TRANSFERRED: "", F.UNIT: "龙腾社区"}]
    file = tmp_path / "bad.csv"
    file.write_bytes(csv_bytes(bad, "utf-8"))
    result = cli(db_path, "import-12345", str(file), "--site", "BL-TX-001")
    assert result.returncode == 1
    for line in (3, 4, 5, 6, 7):
        assert f"第 {line} 行" in result.stderr, result.stderr
    assert "第 2 行:" not in result.stderr and "也许" in result.stderr and "十万火急" in result.stderr
    assert "与第 2 行是同一工单" in result.stderr
    assert "没有导入任何工单" in result.stderr
    # An unmapped category is found once the file reads well: still nothing is imported.
    file.write_bytes(csv_bytes([A, {**B, F.CATEGORY: "外星来客"}], "utf-8"))
    result = cli(db_path, "import-12345", str(file), "--site", "BL-TX-001")
    assert result.returncode == 1 and "第 3 行" in result.stderr and "hotline-map" in result.stderr
    assert snapshot(db_path) == before
    with pytest.raises(ImportRejected) as refused:
        run(db_path, lambda db: import_file(db, b'[{"\xe5\xb7\xa5": 1}, 7]', "BL-TX-001"))
    assert {e.line for e in refused.value.errors} == {1, 2} and refused.value.errors[0].unit == "条"
    assert snapshot(db_path) == before


def test_utf8_bom_csv_and_json_import_the_same_orders(tmp_path: Path) -> None:
    exports = []
    for name, data in (("bom", b"\xef\xbb\xbf" + csv_bytes([A, B, B2], "utf-8")),
                       ("json", json.dumps([A, B, B2], ensure_ascii=False).encode()),
                       ("object", json.dumps({"工单": [A, {**B, F.CONFIDENTIAL: True, F.CALLBACK: False}, B2]},
                                             ensure_ascii=False).encode())):
        path = new_database(tmp_path, name)
        asyncio.run(_seed(path))
        summary = run(path, lambda db: import_file(db, data, "BL-TX-001"))
        assert (summary.created, summary.events) == (2, 5)
        exports.append(run(path, lambda db: export_csv(db, None, None)))
    assert exports[0] == exports[1] == exports[2]
    assert exports[0].startswith(b"\xef\xbb\xbf" + ",".join(F.EXPORT_FIELDS).encode())


def test_a_later_file_adds_events_not_cases(tmp_path: Path) -> None:
    for server in running(tmp_path):
        db = server.live.app.state.db
        first = csv_bytes([A], "gbk")
        server.live.call_soon(import_file(db, first, "BL-TX-001")).result(10)
        [(case_id,)] = server.sql("SELECT case_id FROM hotline_orders WHERE order_no = ?", A[F.ORDER_NO])
        with server.staff() as dispatcher, server.staff("field1") as field:
            console, phone = secrets.token_hex(16), secrets.token_hex(16)
            push(dispatcher, console, 1, "case.accept", id=case_id)
            push(dispatcher, console, 2, "case.dispatch", id=case_id, team="TX-WG")
            assert push(field, phone, 1, "case.resolve", id=case_id, text="已清运")["status"] == "applied"
        cases_before = server.sql("SELECT COUNT(*) FROM cases")
        later = [A, {**A, F.UNIT: "天鑫社区", F.TRANSFERRED: "2026-11-20 15:00:00", F.OPINION: "社区协办",
                     F.RESULT: "已清运", F.RESOLVED: "", F.SATISFACTION: "不满意",
                     F.REWORKS: "1"}]
        header = (*F.ORDER_FIELDS, *F.RESULT_FIELDS)
        with pytest.raises(ImportRejected):  # its rows disagree on the results: refused, nothing changes
            server.live.call_soon(import_file(db, csv_bytes(later, "gbk", header), "BL-TX-001")).result(10)
        later[0] = {**A, **{k: later[1][k] for k in F.RESULT_FIELDS}}
        summary = server.live.call_soon(import_file(db, csv_bytes(later, "gbk", header), "BL-TX-001")).result(10)
        assert (summary.created, summary.updated, summary.events) == (0, 1, 2)
        assert server.sql("SELECT COUNT(*) FROM cases") == cases_before
        types = [t for (t,) in server.sql("SELECT type FROM events WHERE case_id = ? ORDER BY seq", case_id)]
        assert types[-2:] == ["case.transfer", "case.rate"]
        assert server.sql("SELECT status, rating, rework_count FROM cases WHERE id = ?", case_id) == [
            ("dispatched", "unsatisfied", 1)]


def test_export_and_import_into_a_fresh_database_preserve_every_field(tmp_path: Path) -> None:
    for server in running(tmp_path):
        db = server.live.app.state.db
        orders = [A, B, B2, {**A, F.ORDER_NO: "GD3", F.CALLER: "", F.PHONE: "+86 755 1234", F.CONTENT: "=1+2 公式样的内容",
                             F.URGENCY: "", F.CALL_TYPE: "", F.UNIT: "", F.TRANSFERRED: "", F.OPINION: "",
                             F.DEADLINE: ""}]
        server.live.call_soon(import_file(db, csv_bytes(orders, "gbk"), "BL-TX-001")).result(10)
        ids = dict(server.sql("SELECT order_no, case_id FROM hotline_orders"))
        with server.staff() as dispatcher, server.staff("field1") as field:
            console, phone = secrets.token_hex(16), secrets.token_hex(16)
            mid = iter(range(1, 100))
            for order in ("GD202611200001", "GD202611210002"):
                push(dispatcher, console, next(mid), "case.accept", id=ids[order])
                push(dispatcher, console, next(mid), "case.dispatch", id=ids[order], team="TX-WG")
            push(dispatcher, console, next(mid), "case.extend", id=ids["GD202611210002"], until="2026-12-30",
                 reason="施工期长")
            push(field, phone, 1, "case.resolve", id=ids["GD202611200001"], text="已清运")
            push(dispatcher, console, next(mid), "case.reopen", id=ids["GD202611200001"], reason="复查仍有垃圾")
            push(field, phone, 2, "case.resolve", id=ids["GD202611200001"], text="已彻底清运并设置围挡")
        rated = {**A, F.RESULT: "已彻底清运并设置围挡", F.RESOLVED: "2099-01-01 00:00:00", F.SATISFACTION: "基本满意",
                 F.REWORKS: "1"}
        rated[F.RESOLVED] = server.sql("SELECT resolved_at FROM cases WHERE id = ?", ids[A[F.ORDER_NO]])[0][0]
        rated[F.RESOLVED] = F.local(rated[F.RESOLVED])
        header = (*F.ORDER_FIELDS, *F.RESULT_FIELDS)
        server.live.call_soon(import_file(db, csv_bytes([rated], "utf-8", header), "BL-TX-001")).result(10)
        with server.staff() as dispatcher:
            exported = dispatcher.get("/api/export/12345.csv", params={"from": "2026-11-01", "to": "2026-11-30"})
            assert exported.status_code == 200 and exported.headers["content-type"] == "text/csv; charset=utf-8"
            assert dispatcher.get("/api/export/12345.csv", params={"from": "2026-11-22"}).content.count(b"\r\n") == 1
            assert dispatcher.get("/api/export/12345.csv", params={"from": "x"}).status_code == 400
        with server.staff("field1") as field:
            assert field.get("/api/export/12345.csv").status_code == 403
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    by_order: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_order.setdefault(row[F.ORDER_NO], []).append(row)
    [a] = by_order["GD202611200001"]
    assert (a[F.RESULT], a[F.SATISFACTION], a[F.REWORKS], a[F.CALLBACK]) == ("已彻底清运并设置围挡", "基本满意", "1", "是")
    assert a[F.RESOLVED] == rated[F.RESOLVED] and a[F.RECEIVED] == "2026-11-20 09:30:00"
    b_rows = by_order["GD202611210002"]
    assert [(r[F.UNIT], r[F.TRANSFERRED]) for r in b_rows] == [("宝龙街道办事处", "2026-11-21 22:30:00"),
                                                              ("龙腾社区", "2026-11-22 08:00:00")]
    assert {r[F.DEADLINE] for r in b_rows} == {"2026-12-30 23:59:59"} and b_rows[0][F.CONFIDENTIAL] == "是"
    [c] = by_order["GD3"]
    assert c[F.CONTENT] == "'=1+2 公式样的内容" and c[F.PHONE] == "'+86 755 1234" and c[F.UNIT] == ""
    fresh = new_database(tmp_path, "fresh")
    asyncio.run(_seed(fresh))
    (tmp_path / "export.csv").write_bytes(exported.content)
    imported = cli(fresh, "import-12345", str(tmp_path / "export.csv"), "--site", "BL-LT-001")
    assert imported.returncode == 0, imported.stderr
    assert run(fresh, lambda db: export_csv(db, None, None)) == exported.content
    assert run(fresh, lambda db: db.fetchall("SELECT contact_phone, description FROM cases WHERE description"
                                             " LIKE '%公式%'"))[0][:] == ("+86 755 1234", "=1+2 公式样的内容")


RESULTS = st.tuples(st.booleans(), st.booleans(), st.sampled_from([None, "satisfied", "basically", "unsatisfied"]),
                    st.integers(0, 3)).filter(
    lambda r: not ((r[1] and not r[0]) or (r[0] and not r[1] and r[3] == 0) or (r[2] and not r[0])
                   or (r[2] == "unsatisfied" and r[3] == 0) or (r[3] and not r[0])
                   or (r[2] in ("satisfied", "basically") and not r[1])))


@settings(max_examples=40, deadline=None)
@given(results=st.lists(RESULTS, min_size=1, max_size=6))
def test_any_results_an_export_can_carry_import_unchanged(tmp_path_factory: pytest.TempPathFactory,
                                                         results: list[tuple[bool, bool, str | None, int]]) -> None:
    """Whatever results the file reports (办理结果, 办结时间, 满意度, 返工次数), the import reaches exactly them."""
    with fresh_database(tmp_path_factory.mktemp("results"), "r") as path:
        results_import_unchanged(path, results)


def results_import_unchanged(path: str, results: list[tuple[bool, bool, str | None, int]]) -> None:
    asyncio.run(_seed(path))
    rows = []
    for i, (has_result, resolved, rating, reworks) in enumerate(results):
        rows.append({**A, F.ORDER_NO: f"R{i}", F.RESULT: f"结果 {i}" if has_result else "",
                     F.RESOLVED: "2026-11-22 10:00:00" if resolved else "",
                     F.SATISFACTION: {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}.get(
                         rating or "", ""), F.REWORKS: str(reworks)})
    header = (*F.ORDER_FIELDS, *F.RESULT_FIELDS)
    run(path, lambda db: import_file(db, csv_bytes(rows, "utf-8", header), "BL-TX-001"))
    exported = list(csv.DictReader(io.StringIO(run(path, lambda db: export_csv(db, None, None)).decode("utf-8-sig"))))
    assert [{k: r[k] for k in F.RESULT_FIELDS} for r in exported] == [{k: r[k] for k in F.RESULT_FIELDS} for r in rows]


def test_a_confidential_caller_is_shown_to_dispatchers_only(tmp_path: Path) -> None:
    for server in running(tmp_path):
        db = server.live.app.state.db
        server.live.call_soon(import_file(db, csv_bytes([B], "utf-8"), "BL-TX-001")).result(10)
        [(case_id, number)] = server.sql("SELECT c.id, c.number FROM hotline_orders h JOIN cases c ON c.id = h.case_id")
        with server.staff() as dispatcher:
            push(dispatcher, secrets.token_hex(16), 1, "case.accept", id=case_id)
            push(dispatcher, secrets.token_hex(16), 1, "case.dispatch", id=case_id, team="TX-WG")
            detail = dispatcher.get(f"/api/cases/{case_id}").json()
            assert detail["case"]["contact"] == {"name": "李女士", "phone": "13900002222"}
            assert detail["case"]["confidential"] is True and detail["case"]["callback"] is False
            assert detail["hotline"]["order_no"] == B[F.ORDER_NO] and detail["hotline"]["category"] == "噪声污染"
        with server.staff("field1") as field:
            detail = field.get(f"/api/cases/{case_id}").json()
            pulled = field.get("/api/sync/pull", headers={"X-Client-Id": secrets.token_hex(16)}).json()
        assert detail["case"]["contact"] is None
        created = next(e for e in detail["timeline"] if e["type"] == "case.create")
        assert created["payload"]["contact"] is None
        mine = [c for c in pulled["changes"] if c["case_id"] == case_id]
        assert mine and all(c["case"]["contact"] is None for c in mine)
        assert all("李女士" not in json.dumps(c, ensure_ascii=False) for c in mine)
        for fmt in ("json", "xml"):
            assert number not in httpx.get(f"{server.api}/requests.{fmt}").text


def test_the_mapping_table_longest_match_cli_and_admin_api(db_path: str, tmp_path: Path) -> None:
    table = {"城乡建设": "other", "城乡建设/市容环境": "env", "": "consult"}
    assert category_for(table, "城乡建设/市容环境/乱堆乱放") == "env"
    assert category_for(table, "城乡建设/道路") == "other" and category_for(table, "别的") == "consult"
    assert category_for({"城乡": "env"}, "交通") is None
    assert cli(db_path, "hotline-map", "set", "外星来客", "other").returncode == 0
    assert cli(db_path, "hotline-map", "set", "外星", "no_such").returncode == 1
    listed = cli(db_path, "hotline-map", "list").stdout
    assert "外星来客\t→ other" in listed
    assert cli(db_path, "hotline-map", "remove", "外星来客").returncode == 0
    assert "外星来客" not in cli(db_path, "hotline-map", "list").stdout
    assert cli(db_path, "hotline-map", "remove", "外星来客").returncode == 1


def test_admins_replace_the_mapping_table_whole_or_not_at_all(tmp_path: Path) -> None:
    for server in running(tmp_path):
        with server.staff("admin") as admin:
            before = admin.get("/api/admin/hotline-categories").json()
            assert {"hotline": "噪声污染", "category": "noise"} in before["mappings"]
            for bad in ({"mappings": [{"hotline": "甲", "category": "no_such"}]},
                        {"mappings": [{"hotline": "甲", "category": "env"}, {"hotline": " 甲", "category": "noise"}]},
                        {"mappings": [{"hotline": 3, "category": "env"}]}, {"rows": []}):
                refused = admin.put("/api/admin/hotline-categories", json=bad)
                assert refused.status_code == 400 and refused.json()["field"] == "mappings", refused.text
            assert admin.get("/api/admin/hotline-categories").json() == before
            new = {"mappings": [{"hotline": "", "category": "other"}, {"hotline": "噪声", "category": "noise"}]}
            assert admin.put("/api/admin/hotline-categories", json=new).json() == new
            assert admin.get("/api/admin/hotline-categories").json() == new


def test_the_import_needs_a_site(db_path: str, tmp_path: Path) -> None:
    file = tmp_path / "a.csv"
    file.write_bytes(csv_bytes([A], "utf-8"))
    missing = cli(db_path, "import-12345", str(file))
    assert missing.returncode == 1 and "--site" in missing.stderr
    assert cli(db_path, "import-12345", str(file), "--site", "NO-SITE").returncode == 1


def test_a_forwarding_dated_in_the_future_is_a_bad_line(db_path: Path, tmp_path: Path) -> None:
    """A 转办时间 still to come is refused like a 受理时间 still to come: no later action on a case is recorded before
    its latest event, so a forwarding dated ahead would carry every action after it into the future."""
    before = snapshot(db_path)
    file = tmp_path / "future.csv"
    file.write_bytes(csv_bytes([A, {**B, F.TRANSFERRED: "2099-01-01 08:00"}], "utf-8"))
    result = cli(db_path, "import-12345", str(file), "--site", "BL-TX-001")
    assert result.returncode == 1 and "第 3 行" in result.stderr and "转办时间不能晚于当前时间" in result.stderr
    assert "第 2 行" not in result.stderr
    assert snapshot(db_path) == before


def test_results_are_recorded_at_the_hotlines_times_yet_never_before_the_cases_latest_event(tmp_path: Path) -> None:
    for server in running(tmp_path):
        db = server.live.app.state.db
        server.live.call_soon(import_file(db, csv_bytes([A], "utf-8"), "BL-TX-001")).result(10)
        [(a,)] = server.sql("SELECT case_id FROM hotline_orders")
        with server.staff() as dispatcher:
            console = secrets.token_hex(16)
            push(dispatcher, console, 1, "case.accept", id=a)
            push(dispatcher, console, 2, "case.dispatch", id=a, team="TX-WG")
        # B is new in this file: created (stamped now) and brought to its results by the same import.
        results = {F.RESULT: "已处理", F.RESOLVED: "2026-11-22 10:00:00", F.SATISFACTION: "", F.REWORKS: "0"}
        later = csv_bytes([{**A, **results}, {**B, **results}], "utf-8", (*F.ORDER_FIELDS, *F.RESULT_FIELDS))
        server.live.call_soon(import_file(db, later, "BL-TX-001")).result(10)
        [(b,)] = server.sql("SELECT case_id FROM hotline_orders WHERE order_no = ?", B[F.ORDER_NO])
        resolved = dict(server.sql("SELECT id, resolved_at FROM cases WHERE id IN (?, ?)", a, b))
        at = db.dialect.json_text("payload", "at")
        [(dispatched_at,)] = server.sql(f"SELECT {at} FROM events WHERE case_id = ? AND type = 'case.dispatch'", a)
    # Nothing on B is later than the hotline's 办结时间, though the import stamped B's creation today.
    assert resolved[b] == "2026-11-22T02:00:00.000Z"
    # A was dispatched here after that time: its resolution is not recorded before the dispatch.
    assert dispatched_at > "2026-11-22T02:00:00.000Z" and resolved[a] == dispatched_at


def test_staff_know_the_hotline_by_name_and_receive_no_client_id(tmp_path: Path) -> None:
    answers: list[str] = []
    for server in running(tmp_path):
        db = server.live.app.state.db
        server.live.call_soon(import_file(db, csv_bytes([A, B, B2], "utf-8"), "BL-TX-001")).result(10)
        case_ids = [c for (c,) in server.sql("SELECT case_id FROM hotline_orders")]
        kind = db.dialect.json_text("actor", "kind")
        hotline = {c for (c,) in server.sql(f"SELECT DISTINCT client_id FROM events WHERE {kind} = 'integration'")}
        with server.staff() as dispatcher, server.staff("field1") as field:
            console = secrets.token_hex(16)
            for mid, case_id in enumerate(case_ids):
                push(dispatcher, console, 2 * mid + 1, "case.accept", id=case_id)
                push(dispatcher, console, 2 * mid + 2, "case.dispatch", id=case_id, team="TX-WG")
            answers.append(dispatcher.get("/api/export/12345.csv").text)
            for who in (dispatcher, field):
                for case_id in case_ids:
                    detail = who.get(f"/api/cases/{case_id}")
                    assert detail.status_code == 200, detail.text
                    answers.append(detail.text)
                    transfers = [e for e in detail.json()["timeline"] if e["type"] == "case.transfer"]
                    assert transfers and all(e["actor"]["kind"] == "integration" and e["actor"]["user"] == "12345"
                                             and "client_id" not in e["actor"] for e in transfers)
                answers.append(who.get("/api/sync/pull", headers={"X-Client-Id": secrets.token_hex(16)}).text)
    assert hotline and not [text for text in answers if any(c in text for c in hotline)]
