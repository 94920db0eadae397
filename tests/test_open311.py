"""Open311 GeoReport v2 against a live server: a third-party client (georeport, from PyPI) in JSON and XML, every
answer checked against the spec's required fields and types, POST through the engine, retries, errors and hostile
input (never a 5xx), rate limits per key, updates from the event log, and the token of a slow write."""
from __future__ import annotations

import asyncio
import json
import secrets
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from georeport import GeoReport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.open311_support import (Server, check_error, check_json, check_xml, get_both, new_id, push, running,
                                   same_in_both)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running(tmp_path_factory.mktemp("open311"))


def _report(server: Server, fmt: str = "json", **params: str) -> str:
    body = {"service_code": "facility", "lat": "22.5431", "long": "114.0579", "description": "路灯不亮",
            **params}
    response = server.post(fmt, **body)
    assert response.status_code == 200, response.text
    if fmt == "json":
        [created] = check_json("created", response.json())
    else:
        [created] = check_xml("created", response.content)
    return str(created["service_request_id"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_services_and_requests(server: Server, fmt: str) -> None:
    number = _report(server, description=f"{fmt} 客户端读取的诉求")
    client = GeoReport(server.api, output_format=fmt)
    services = client.get_service_list()
    assert {"env", "facility", "help"} <= {s["service_code"] for s in services}
    facility = next(s for s in services if s["service_code"] == "facility")
    assert facility["service_name"] == "市政设施（路灯/井盖/道路）" and facility["type"] == "realtime"
    assert facility["metadata"] in (False, "false")
    assert client.get_service_definition("facility")["service_code"] == "facility"
    listed = client.get_service_requests(service_code="facility", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives one item as a dict
    assert number in {r["service_request_id"] for r in listed}
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    assert one["description"] == f"{fmt} 客户端读取的诉求" and one["address_id"] == "BL-TX-002"
    assert one["agency_responsible"] == "宝龙街道市政所"


def test_every_answer_matches_the_spec_in_json_and_xml(server: Server) -> None:
    number = _report(server, address_string="天鑫路 12 号北门", media_url="https://img.example.org/a.jpg")
    discovery = httpx.get(f"{server.api}/discovery.json").json()
    assert set(discovery) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = discovery["endpoints"]
    assert endpoint["url"].endswith("/open311/v2") and set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = __import__("xml.etree.ElementTree", fromlist=["x"]).fromstring(httpx.get(f"{server.api}/discovery.xml").content)
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == endpoint["formats"]  # type: ignore[union-attr]
    assert get_both(server.url, "services", "service")
    definition = httpx.get(f"{server.api}/services/facility.xml")
    assert definition.status_code == 200 and b"<service_definition><service_code>facility</service_code>" in \
        definition.content
    [request] = get_both(server.url, f"requests/{number}", "request")
    assert request["status"] == "open" and request["status_notes"] == "open 待受理"
    assert request["media_url"] == "https://img.example.org/a.jpg"
    assert request["address"].startswith("天鑫路 12 号北门，") and request["lat"] == 22.5431
    assert request["zipcode"] == "" and request["service_notice"] is None
    assert request["requested_datetime"] <= request["expected_datetime"]
    listed = get_both(server.url, "requests", "request", service_request_id=f"{number},NO-SUCH")
    assert [r["service_request_id"] for r in listed] == [number]
    assert get_both(server.url, "requests", "request", page_size=1, page=1)
    assert get_both(server.url, "servicerequestupdates", "update") == []  # nobody has moved a case yet


def test_a_post_is_a_case_made_by_the_engine_on_channel_open311(server: Server) -> None:
    number = _report(server, "xml", first_name="敏", last_name="张", phone="138 0000 1111", email="zm@example.org",
                     address_id="BL-LT-002", description="井盖缺失")
    [(case_id, channel, site, category, name, phone, client_id)] = server.sql(
        "SELECT id, channel, site, category, contact_name, contact_phone, created_by_client FROM cases"
        " WHERE number = ?", number)
    assert (channel, site, category, name, phone) == ("open311", "BL-LT-002", "facility", "张敏", "138 0000 1111")
    [(actor,)] = server.sql("SELECT actor FROM events WHERE case_id = ? AND type = 'case.create'", case_id)
    assert json.loads(actor) | {} == {"kind": "integration", "user": "城市应用", "user_id": None, "role": None,
                                       "client_id": client_id, "device_id": None, "channel": "open311"}
    with server.staff() as staff:
        detail = staff.get(f"/api/cases/{case_id}").json()
    assert detail["case"]["contact"] == {"name": "张敏", "phone": "138 0000 1111"}
    assert detail["open311"] == {"api_key": "城市应用", "media_url": None, "address_string": None,
                                 "email": "zm@example.org"}
    # Staff know the key by its name; no client id reaches them, whoever's it is.
    created = next(e for e in detail["timeline"] if e["type"] == "case.create")
    assert created["actor"]["kind"] == "integration" and created["actor"]["user"] == "城市应用"
    assert client_id not in json.dumps(detail) and "client_id" not in json.dumps(detail)
    assert detail["case"]["reporter"] is None
    # Contact data and client ids are in no public answer.
    for path in (f"requests/{number}", "requests", "servicerequestupdates"):
        for fmt in ("json", "xml"):
            text = httpx.get(f"{server.api}/{path}.{fmt}").text
            assert "张敏" not in text and "1111" not in text and "zm@example.org" not in text
            assert client_id not in text and "client_id" not in text


def test_a_retried_post_creates_one_case(server: Server) -> None:
    params = {"service_code": "env", "address_string": "宝华路 3 号", "description": f"重试 {secrets.token_hex(4)}"}
    first = server.post(**params)
    again = server.post("xml", **params)
    assert first.status_code == again.status_code == 200
    number = first.json()[0]["service_request_id"]
    assert check_xml("created", again.content)[0]["service_request_id"] == number
    assert server.sql("SELECT COUNT(*) FROM cases WHERE description = ?", params["description"]) == [(1,)]
    other = server.post(**{**params, "description": params["description"] + "（补充）"})
    assert other.json()[0]["service_request_id"] != number
    # Another key sending the same body is another client: a case of its own.
    other_key = server.issue(f"另一应用 {secrets.token_hex(3)}")
    third = httpx.post(f"{server.api}/requests.json", data={**params, "api_key": other_key})
    assert third.json()[0]["service_request_id"] != number


def test_the_description_is_cut_at_4000_characters(server: Server) -> None:
    number = _report(server, description="长" * 5000)
    [request] = get_both(server.url, f"requests/{number}", "request")
    assert request["description"] == "长" * 4000


BAD_POSTS = [  # (parameters beside a valid api_key, expected status, a word the description must contain)
    ({"lat": "22.5", "long": "114"}, 400, "service_code"),
    ({"service_code": "no_such", "lat": "22.5", "long": "114"}, 404, "service_code"),
    ({"service_code": "env"}, 400, "位置"),
    ({"service_code": "env", "lat": "22.5"}, 400, "long"),
    ({"service_code": "env", "lat": "north", "long": "114"}, 400, "lat"),
    ({"service_code": "env", "lat": "95", "long": "114"}, 400, "lat"),
    ({"service_code": "env", "lat": "nan", "long": "114"}, 400, "lat"),
    ({"service_code": "env", "address_id": "NO-SITE"}, 400, "address_id"),
    ({"service_code": "env", "address_id": "BL-TX-001", "media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"service_code": "env", "address_id": "BL-TX-001", "phone": "call me"}, 400, "phone"),
    ({"service_code": "env", "address_id": "BL-TX-001", "email": "not-an-email"}, 400, "email"),
    ({"service_code": "env", "address_id": "BL-TX-001", "first_name": "名" * 60}, 400, "first_name"),
]


@pytest.mark.parametrize("params, status, word", BAD_POSTS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_the_spec_error_and_create_nothing(server: Server, fmt: str, params: dict[str, str],
                                                        status: int, word: str) -> None:
    before = server.sql("SELECT COUNT(*) FROM cases")
    assert word in check_error(server.post(fmt, **params), status, fmt)
    assert server.sql("SELECT COUNT(*) FROM cases") == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_keys_wrong_types_and_sizes_are_refused(server: Server, fmt: str) -> None:
    url = f"{server.api}/requests.{fmt}"
    good = {"service_code": "env", "address_id": "BL-TX-001", "description": "x"}
    assert "api_key" in check_error(httpx.post(url, data=good), 403, fmt)
    assert "api_key" in check_error(httpx.post(url, data={**good, "api_key": "msb_guess"}), 403, fmt)
    revoked = server.issue(f"吊销 {fmt}")
    from server.open311 import keys

    server.live.call_soon(keys.revoke(server.live.app.state.db, f"吊销 {fmt}")).result(10)
    check_error(httpx.post(url, data={**good, "api_key": revoked}), 403, fmt)
    body = {**good, "api_key": server.key}
    check_error(httpx.post(url, json={**body, "description": {"nested": True}}), 400, fmt)
    check_error(httpx.post(url, json=[1, 2]), 400, fmt)
    check_error(httpx.post(url, content="service_code=env&service_code=noise&api_key=" + server.key,
                           headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, fmt)
    check_error(httpx.post(url, content=b"\xff\xfe\x00bad", headers={"Content-Type": "application/x-www-form-urlencoded"}),
                400, fmt)
    check_error(httpx.post(url, files={"media": ("a.jpg", b"x")}, data=body), 400, fmt)
    check_error(httpx.post(url, data={**body, "description": "x" * 200_000}), 413, fmt)


BAD_QUERIES = [
    ("requests", {"start_date": "yesterday"}), ("requests", {"end_date": "2026-13-40"}),
    ("requests", {"start_date": "0001-01-01T00:00:00+01:00"}),
    ("requests", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}),
    ("requests", {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}),
    ("requests", {"status": "pending"}), ("requests", {"service_code": "no_such"}),
    ("requests", {"page": "0"}), ("requests", {"page_size": "1001"}), ("requests", {"page": "x"}),
    ("servicerequestupdates", {"start_date": "2026-02-30"}),
]


@pytest.mark.parametrize("path, query", BAD_QUERIES)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_queries_get_400_in_the_requested_format(server: Server, fmt: str, path: str, query: dict[str, str]) -> None:
    check_error(httpx.get(f"{server.api}/{path}.{fmt}", params=query), 400, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_resources_and_methods(server: Server, fmt: str) -> None:
    check_error(httpx.get(f"{server.api}/requests/NO-SUCH.{fmt}"), 404, fmt)
    check_error(httpx.get(f"{server.api}/services/no_such.{fmt}"), 404, fmt)
    check_error(httpx.get(f"{server.api}/tokens/{'0' * 32}.{fmt}"), 404, fmt)
    check_error(httpx.get(f"{server.api}/nothing.{fmt}"), 404, fmt)
    check_error(httpx.put(f"{server.api}/requests.{fmt}"), 405, fmt)
    check_error(httpx.delete(f"{server.api}/services/env.{fmt}"), 405, fmt)
    check_error(httpx.get(f"{server.api}/requests.csv"), 404, "xml")  # a format we do not write: the spec's XML


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["requests", "servicerequestupdates", "services", "requests/x", "tokens/y",
                             "services/env", "discovery"]),
       fmt=st.sampled_from(["json", "xml", "txt"]),
       query=st.dictionaries(st.sampled_from(["service_request_id", "service_code", "start_date", "end_date",
                                              "status", "page", "page_size", "jurisdiction_id"]),
                             st.text(max_size=40), max_size=5),
       form=st.dictionaries(st.sampled_from(["service_code", "lat", "long", "address_string", "address_id",
                                             "description", "media_url", "phone", "email", "first_name",
                                             "last_name", "attribute[x]"]),
                            st.text(max_size=60), max_size=8),
       with_key=st.booleans())
def test_fuzzed_requests_never_get_a_5xx(server: Server, path: str, fmt: str, query: dict[str, str],
                                         form: dict[str, str], with_key: bool) -> None:
    response = httpx.get(f"{server.api}/{path}.{fmt}", params=query, timeout=10)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        check_error(response, response.status_code, fmt if fmt in ("json", "xml") else "xml")
    if with_key:
        form = {**form, "api_key": server.key}
    posted = httpx.post(f"{server.api}/requests.{fmt}", data=form, timeout=30)
    assert posted.status_code < 500, posted.text
    if posted.status_code >= 400:
        check_error(posted, posted.status_code, fmt if fmt in ("json", "xml") else "xml")


def test_status_steps_are_updates_and_closed_requests_say_why(server: Server) -> None:
    number = _report(server, description="路灯整夜不亮")
    [(case_id,)] = server.sql("SELECT id FROM cases WHERE number = ?", number)
    start = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 60))
    with server.staff() as dispatcher, server.staff("field2") as field:
        console, phone = secrets.token_hex(16), secrets.token_hex(16)
        assert push(dispatcher, console, 1, "case.accept", id=case_id)["status"] == "applied"
        assert push(dispatcher, console, 2, "case.dispatch", id=case_id, team="BL-DY")["status"] == "applied"
        assert push(field, phone, 1, "case.start", id=case_id)["status"] == "applied"
        assert push(field, phone, 2, "case.resolve", id=case_id, text="已更换灯泡")["status"] == "applied"
    updates = [u for u in get_both(server.url, "servicerequestupdates", "update", start_date=start)
               if u["service_request_id"] == number]
    assert [u["status"] for u in updates] == ["investigating", "action_scheduled", "in_progress", "fixed"]
    assert updates[-1]["description"] == "已办结：已更换灯泡"
    assert [int(u["update_id"]) for u in updates] == sorted(int(u["update_id"]) for u in updates)
    [request] = get_both(server.url, f"requests/{number}", "request")
    assert request["status"] == "closed" and request["status_notes"] == "fixed 已办结：已更换灯泡"
    assert request["agency_responsible"] == "宝龙街道党员先锋队"
    assert number in {r["service_request_id"] for r in get_both(server.url, "requests", "request", status="closed")}
    assert number not in {r["service_request_id"] for r in get_both(server.url, "requests", "request", status="open")}


def test_the_rate_limit_is_per_key_like_residents_reports(tmp_path: Path) -> None:
    for server in running(tmp_path, rate_cases_per_client=2):
        body = {"service_code": "env", "address_id": "BL-TX-001"}
        assert [server.post(**body, description=f"第 {i} 件").status_code for i in range(2)] == [200, 200]
        refused = server.post("xml", **body, description="第 3 件")
        assert "频繁" in check_error(refused, 429, "xml") and int(refused.headers["retry-after"]) >= 1
        # A retry of an answered request costs nothing; another key has its own limit.
        assert server.post(**body, description="第 1 件").status_code == 200
        other = server.issue("另一应用")
        assert httpx.post(f"{server.api}/requests.json", data={**body, "api_key": other, "description": "y"}
                          ).status_code == 200


def test_a_slow_write_answers_with_a_token_that_later_names_the_request(tmp_path: Path) -> None:
    for server in running(tmp_path, open311_wait_s=0.3):
        db = server.live.app.state.db
        release = server.live.call_soon(_event()).result(5)
        holding = server.live.call_soon(_hold_writer(db, release))
        time.sleep(0.1)
        for fmt in ("json", "xml"):
            response = server.post(fmt, service_code="env", address_id="BL-TX-001", description=f"慢 {fmt}")
            assert response.status_code == 202, response.text
            if fmt == "json":
                [pending] = check_json("pending", response.json())
            else:
                [pending] = check_xml("pending", response.content)
            token = pending["token"]
            still = httpx.get(f"{server.api}/tokens/{token}.json")
            assert still.status_code == 200 and still.json() == [{"token": token}]
        server.live.call_soon(_set(release)).result(5)
        holding.result(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answers = {fmt: httpx.get(f"{server.api}/tokens/{token}.{fmt}") for fmt in ("json", "xml")}
            if "service_request_id" in answers["json"].json()[0]:
                break
            time.sleep(0.05)
        resolved = check_json("token", answers["json"].json())
        same_in_both("token", resolved, check_xml("token", answers["xml"].content))
        number = resolved[0]["service_request_id"]
        assert server.sql("SELECT description FROM cases WHERE number = ?", number) == [("慢 xml",)]


async def _event() -> asyncio.Event:
    return asyncio.Event()


async def _set(event: asyncio.Event) -> None:
    event.set()


async def _hold_writer(db: object, release: asyncio.Event) -> None:
    async with db.write():  # type: ignore[attr-defined]
        await release.wait()


def test_an_unused_id_is_not_found(server: Server) -> None:
    check_error(httpx.get(f"{server.api}/requests/{new_id()}.json"), 404, "json")
