"""Deadlines come from the category's limits, run the right clock for the status, and turn amber then red."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from server.deadlines import Deadline, parse_time, running_deadline
from tests.staff_support import login, client_for, report, running_app, staff_pusher

CHINA = timezone(timedelta(hours=8))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_the_clock_follows_the_status() -> None:
    kw = dict(submitted_at="2026-11-27T00:00:00.000Z", response_due="2026-11-27T00:10:00.000Z",
              resolution_due="2026-12-01T00:00:00.000Z", warn_fraction=0.25)
    assert running_deadline("submitted", **kw).kind == "response"  # type: ignore[arg-type, union-attr]
    for status in ("accepted", "dispatched", "in_progress"):
        assert running_deadline(status, **kw).kind == "resolution"  # type: ignore[arg-type, union-attr]
    for status in ("resolved", "closed", "rejected", "duplicate", "withdrawn"):
        assert running_deadline(status, **kw) is None  # type: ignore[arg-type]


def test_amber_after_three_quarters_of_the_window_red_when_due() -> None:
    d = running_deadline("submitted", "2026-11-27T00:00:00.000Z", "2026-11-27T00:10:00.000Z", None, 0.25)
    assert isinstance(d, Deadline)
    at = lambda m, s=0: datetime(2026, 11, 27, 0, m, s, tzinfo=timezone.utc)  # noqa: E731
    assert d.warn_at == at(7, 30)
    assert [d.state(at(7, 29)), d.state(at(7, 30)), d.state(at(9, 59)), d.state(at(10))] == \
        ["ok", "warn", "warn", "overdue"]


async def test_due_times_come_from_the_category_limits(tmp_path: Path) -> None:
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=CHINA)  # a Friday, 09:00 in the subdistrict
    async with running_app(tmp_path) as app:
        env = await report(app, category="env", now_ms=_ms(friday))  # 120 minutes, 15 working days
        consult = await report(app, category="consult", now_ms=_ms(friday))  # 480 minutes, 2 working days
        async with client_for(app) as admin:
            await login(admin, "admin")
            env_case = (await admin.get(f"/api/cases/{env}")).json()["case"]
            consult_case = (await admin.get(f"/api/cases/{consult}")).json()["case"]
            assert parse_time(env_case["response_due"]) == friday + timedelta(minutes=120)
            assert parse_time(env_case["resolution_due"]) == datetime(2026, 12, 18, 9, 0, tzinfo=CHINA)
            assert parse_time(consult_case["response_due"]) == friday + timedelta(minutes=480)
            # Two working days after a Friday: Monday and Tuesday.
            assert parse_time(consult_case["resolution_due"]) == datetime(2026, 12, 1, 9, 0, tzinfo=CHINA)
            # An admin shortens 求助's response limit; the next case gets the new one.
            assert (await admin.patch("/api/admin/categories/help", json={"response_limit_minutes": 5})).status_code == 200
            now = datetime.now(timezone.utc).replace(microsecond=0)
            help_case = await report(app, category="help", now_ms=_ms(now))
            due = (await admin.get(f"/api/cases/{help_case}")).json()["case"]["response_due"]
            assert parse_time(due) == now + timedelta(minutes=5)


async def test_overdue_cases_are_flagged_and_filtered(tmp_path: Path) -> None:
    now = datetime.now(timezone.utc)
    async with running_app(tmp_path) as app:
        late = await report(app, category="help", now_ms=_ms(now - timedelta(minutes=11)))  # 10 minutes allowed
        close = await report(app, category="help", now_ms=_ms(now - timedelta(minutes=8)))  # past 7.5 → amber
        fresh = await report(app, category="help")
        async with client_for(app) as dispatcher:
            await login(dispatcher, "dispatcher")
            board = {c["id"]: c for c in (await dispatcher.get("/api/cases")).json()["cases"]}
            assert (board[late]["overdue"], board[late]["deadline"]["state"]) == (True, "overdue")
            assert (board[close]["overdue"], board[close]["deadline"]["state"]) == (False, "warn")
            assert (board[fresh]["overdue"], board[fresh]["deadline"]["state"]) == (False, "ok")
            overdue = (await dispatcher.get("/api/cases?overdue=1")).json()
            assert [c["id"] for c in overdue["cases"]] == [late] and overdue["total"] == 1
            # Accepting stops the response clock; the resolution clock (10 working days) is far away.
            await (await staff_pusher(app, "dispatcher"))("case.accept", id=late)
            case = (await dispatcher.get(f"/api/cases/{late}")).json()["case"]
            assert case["deadline"]["kind"] == "resolution" and not case["overdue"]
            assert (await dispatcher.get("/api/cases?overdue=1")).json()["total"] == 0


async def test_an_extension_moves_the_resolution_deadline(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        case_id = await report(app)
        dispatcher = await staff_pusher(app, "dispatcher")
        await dispatcher("case.accept", id=case_id)
        result = await dispatcher("case.extend", id=case_id, until="2027-01-15", reason="等待材料")
        assert result["status"] == "applied", result
        async with client_for(app) as client:
            await login(client, "dispatcher")
            body = (await client.get(f"/api/cases/{case_id}")).json()
            case = body["case"]
            assert case["extended"] and case["resolution_due"] > case["resolution_due_original"]
            assert case["deadline"]["due"] == case["resolution_due"]
            assert parse_time(case["resolution_due"]).astimezone(CHINA).date().isoformat() == "2027-01-15"
            extend = [e for e in body["timeline"] if e["type"] == "case.extend"][0]
            assert extend["payload"]["reason"] == "等待材料" and extend["actor"]["user"] == "dispatcher"
