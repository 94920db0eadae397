"""Each statistic against a fixture computed by hand (the arithmetic is written out beside each number)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from server import stats
from server.stats import CaseFacts

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 10, tzinfo=timezone.utc)
START, END = date(2026, 11, 2), date(2026, 11, 8)


def case(id: str, site: str, community: str, category: str, team: str | None, status: str, submitted: str,
         response_due: str | None, **kw: object) -> CaseFacts:
    return CaseFacts(id=id, site=site, community=community, category=category, team=team, status=status,
                     submitted_at=submitted, response_due=response_due,
                     resolution_due=kw.pop("resolution_due", None), **kw)  # type: ignore[arg-type]


FIXTURE = [
    # A: answered in 5 min (on time), resolved after 24 h (on time), rated satisfied.
    case("A", "S1", "C1", "help", "T1", "closed", "2026-11-02T01:00:00.000Z", "2026-11-02T01:10:00.000Z",
         first_response_at="2026-11-02T01:05:00.000Z", resolution_due="2026-11-10T01:00:00.000Z",
         last_resolved_at="2026-11-03T01:00:00.000Z", times_resolved=1, rating="satisfied"),
    # B: answered after 180 min (late); resolved once, rated unsatisfied → reworked, now dispatched again.
    case("B", "S1", "C1", "env", "T1", "dispatched", "2026-11-02T02:00:00.000Z", "2026-11-02T04:00:00.000Z",
         first_response_at="2026-11-02T05:00:00.000Z", resolution_due="2026-11-20T00:00:00.000Z",
         last_resolved_at="2026-11-04T02:00:00.000Z", times_resolved=1, reworks=1, rating="unsatisfied"),
    # C: answered in 30 min (on time), resolved after 72 h, a day past its due time; not rated.
    case("C", "S2", "C2", "env", "T2", "resolved", "2026-11-03T00:00:00.000Z", "2026-11-03T02:00:00.000Z",
         first_response_at="2026-11-03T00:30:00.000Z", resolution_due="2026-11-05T00:00:00.000Z",
         last_resolved_at="2026-11-06T00:00:00.000Z", times_resolved=1),
    # D: never answered, response due long passed → counts as a late response.
    case("D", "S2", "C2", "help", None, "submitted", "2026-11-04T00:00:00.000Z", "2026-11-04T00:10:00.000Z"),
    # E: rejected after 60 min (a response, on time); never accepted.
    case("E", "S2", "C2", "consult", None, "rejected", "2026-11-04T01:00:00.000Z", "2026-11-04T09:00:00.000Z",
         first_response_at="2026-11-04T02:00:00.000Z"),
    # F, G: merged and withdrawn — outside every metric.
    case("F", "S1", "C1", "help", "T1", "duplicate", "2026-11-04T01:00:00.000Z", "2026-11-04T01:10:00.000Z"),
    case("G", "S1", "C1", "env", "T1", "withdrawn", "2026-11-04T01:00:00.000Z", "2026-11-04T03:00:00.000Z"),
    # H: 2026-11-09 08:00 local → after the period.
    case("H", "S1", "C1", "env", "T1", "closed", "2026-11-09T00:00:00.000Z", "2026-11-09T02:00:00.000Z",
         first_response_at="2026-11-09T00:01:00.000Z", last_resolved_at="2026-11-09T01:00:00.000Z",
         resolution_due="2026-11-20T00:00:00.000Z", times_resolved=1, rating="satisfied"),
    # I: 2026-11-08 23:30 local → inside the period although the UTC date is the 8th too late in the day.
    case("I", "S1", "C1", "env", "T1", "in_progress", "2026-11-08T15:30:00.000Z", "2026-11-08T17:30:00.000Z",
         first_response_at="2026-11-08T16:30:00.000Z", resolution_due="2026-11-27T00:00:00.000Z"),
    # J: 2026-11-01 23:00 local → before the period.
    case("J", "S1", "C1", "env", "T1", "submitted", "2026-11-01T15:00:00.000Z", "2026-11-01T17:00:00.000Z"),
    # K: answered after 20 min (late: 10 allowed); resolved, reworked, resolved again at 12 h (on time), 基本满意.
    case("K", "S2", "C2", "help", "T2", "closed", "2026-11-05T00:00:00.000Z", "2026-11-05T00:10:00.000Z",
         first_response_at="2026-11-05T00:20:00.000Z", resolution_due="2026-11-12T00:00:00.000Z",
         last_resolved_at="2026-11-05T12:00:00.000Z", times_resolved=2, reworks=1, rating="basically"),
]


def run(by: str) -> dict:
    return stats.compute(FIXTURE, by, START, END, CHINA, NOW)


def test_totals_match_the_hand_computation() -> None:
    total = run("site")["total"]
    assert total["cases"] == 7  # A B C D E I K
    assert total["response_ontime_rate"] == round(4 / 7, 4)  # A C E I on time; B K late; D overdue unanswered
    assert total["resolution_rate"] == 0.6  # A C K resolved/closed of A B C I K accepted
    assert total["resolution_ontime_rate"] == round(2 / 3, 4)  # A K on time, C late
    assert total["satisfaction_rate"] == round(2 / 3, 4)  # A 满意, K 基本满意 of A B K rated
    assert total["rework_rate"] == 0.5  # B K reworked of A B C K ever resolved
    assert total["median_response_minutes"] == 45.0  # 5 20 30 | 60 60 180 → (30 + 60) / 2
    assert total["median_resolution_hours"] == 24.0  # 12 24 72


def test_by_community() -> None:
    groups = {g["key"]: g for g in run("community")["groups"]}
    c1, c2 = groups["C1"], groups["C2"]
    assert (c1["cases"], c2["cases"]) == (3, 4)
    assert c1["response_ontime_rate"] == round(2 / 3, 4) and c2["response_ontime_rate"] == 0.5
    assert c1["resolution_rate"] == round(1 / 3, 4) and c2["resolution_rate"] == 1.0
    assert c1["resolution_ontime_rate"] == 1.0 and c2["resolution_ontime_rate"] == 0.5
    assert c1["satisfaction_rate"] == 0.5 and c2["satisfaction_rate"] == 1.0
    assert c1["rework_rate"] == 0.5 and c2["rework_rate"] == 0.5
    assert c1["median_response_minutes"] == 60.0 and c2["median_response_minutes"] == 30.0
    assert c1["median_resolution_hours"] == 24.0 and c2["median_resolution_hours"] == 42.0


def test_by_team_names_undispatched_cases() -> None:
    groups = {g["key"]: g["cases"] for g in run("team")["groups"]}
    assert groups == {"T1": 3, "T2": 2, stats.NO_TEAM: 2}


def test_by_day_has_every_day_of_the_period() -> None:
    days = {g["key"]: g["cases"] for g in run("day")["groups"]}
    assert days == {"2026-11-02": 2, "2026-11-03": 1, "2026-11-04": 2, "2026-11-05": 1, "2026-11-06": 0,
                    "2026-11-07": 0, "2026-11-08": 1}
    empty = next(g for g in run("day")["groups"] if g["key"] == "2026-11-06")
    assert empty["resolution_rate"] is None and empty["median_response_minutes"] is None


def test_an_empty_denominator_is_no_rate() -> None:
    only_d = [c for c in FIXTURE if c.id == "D"]
    total = stats.compute(only_d, "site", START, END, CHINA, NOW)["total"]
    assert total["response_ontime_rate"] == 0.0
    assert total["resolution_rate"] is None and total["satisfaction_rate"] is None


def test_a_case_inside_its_response_window_is_not_judged_yet() -> None:
    only_d = [c for c in FIXTURE if c.id == "D"]
    early = datetime(2026, 11, 4, 0, 5, tzinfo=timezone.utc)
    assert stats.compute(only_d, "site", START, END, CHINA, early)["total"]["response_ontime_rate"] is None


def test_csv_has_a_bom_and_chinese_headers_and_no_column_twice() -> None:
    text = stats.to_csv(run("community"), {"C1": "天鑫社区"})
    assert text.startswith("\ufeff社区,案件数,按时响应率,办结率")
    lines = text.splitlines()
    assert lines[1].startswith("天鑫社区,3,66.7%,33.3%,100.0%,50.0%,50.0%,60.0,24.0")
    assert lines[-1].startswith("合计,7,57.1%,60.0%,66.7%,66.7%,50.0%,45.0,24.0")
    # Sites have codes apart from their names: one column each, the total without a code.
    by_site = stats.to_csv(run("site"), {"S1": "天鑫花园"}).splitlines()
    assert by_site[0] == "\ufeff站点编号,站点,案件数," + ",".join(stats.METRIC_NAMES[m] for m in stats.METRICS)
    assert by_site[1].startswith("S1,天鑫花园,")
    assert by_site[-1].startswith(",合计,7,")
    for grouping in stats.GROUPINGS:
        header = stats.to_csv(run(grouping)).splitlines()[0].lstrip("\ufeff").split(",")
        assert len(header) == len(set(header)), header


def test_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError):
        stats.compute(FIXTURE, "weather", START, END, CHINA, NOW)


async def test_the_api_counts_what_the_log_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import secrets
    import uuid

    from tests.staff_support import resident, running_app, signed_in, staff_pusher

    async with running_app(tmp_path) as app:
        phone = resident(app)
        ids = [str(uuid.uuid4()) for _ in range(3)]
        for case_id, category in zip(ids, ("help", "consult", "env")):
            result = await phone("case.create", id=case_id, track_token=secrets.token_hex(16), site="BL-TX-002",
                                 category=category, description="测试")
            assert result["status"] == "applied"
        a, b, _ = ids
        d = await staff_pusher(app, "dispatcher")
        for name, args in (("case.accept", {"id": a}), ("case.dispatch", {"id": a, "team": "BL-DY"}),
                           ("case.resolve", {"id": a, "text": "已送药"}), ("case.reject", {"id": b, "reason": "非本辖区"})):
            assert (await d(name, **args))["status"] == "applied", name
        assert (await phone("case.rate", id=a, rating="satisfied"))["status"] == "applied"
        async with signed_in(app, "dispatcher") as client:
            body = (await client.get("/api/stats?by=category")).json()
            total = body["total"]
            assert total["cases"] == 3
            assert total["counts"] == {"responded_ontime": 2, "response_judged": 2, "resolved": 1, "accepted": 1,
                                       "resolved_ontime": 1, "content": 1, "rated": 1, "reworked": 0,
                                       "ever_resolved": 1}
            assert total["resolution_rate"] == 1.0 and total["satisfaction_rate"] == 1.0 and total["rework_rate"] == 0.0
            assert {g["key"]: g["label"] for g in body["groups"]} == {"consult": "政策咨询", "env": "市容环境",
                                                                      "help": "求助"}
            csv = await client.get("/api/stats.csv?by=category")
            assert csv.content.startswith(b"\xef\xbb\xbf") and "attachment" in csv.headers["content-disposition"]
            assert "求助" in csv.content.decode("utf-8-sig")
            assert (await client.get("/api/stats?by=weather")).status_code == 400
            assert (await client.get("/api/stats?from=2026-01-01&to=2027-06-01")).status_code == 400
