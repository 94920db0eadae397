"""sync/client/syncer.js in Chromium against scripted replies (page.route): what it does with each answer.

The real server is there to serve the page and modules; /api/sync/* is answered by a :class:`Script`, so each
test can choose a 409, a 503, a refused mutation or a broken connection. The end-to-end tests against the
real push and pull are in test_client_sync_e2e.py.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.support.fixtures import harness_server, open_harness  # noqa: F401  (fixtures are found by name)

pytestmark = pytest.mark.browser

IDLE = "() => harness.client.state.pending === 0 && !harness.client.state.syncing"


@dataclass
class Script:
    """Canned answers for push and pull, consumed in order; when they run out, push acknowledges everything
    it is sent and pull says there is nothing new. Records every request with its arrival time."""

    push_replies: list[dict[str, Any] | str] = field(default_factory=list)
    pull_replies: list[dict[str, Any]] = field(default_factory=list)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    pulls: list[dict[str, Any]] = field(default_factory=list)

    def install(self, page: Page) -> None:
        page.route("**/api/sync/push", self._push)
        page.route("**/api/sync/pull*", self._pull)

    def _push(self, route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        self.pushes.append({"t": time.monotonic(), "body": body, "headers": route.request.headers,
                            "mids": [m["mid"] for m in body["mutations"]]})
        reply = self.push_replies.pop(0) if self.push_replies else None
        if reply == "abort":
            route.abort("connectionreset")
        elif reply is None:
            mids = [m["mid"] for m in body["mutations"]]
            route.fulfill(json={"last_mid": max(mids), "cursor": 0,
                                "results": [{"mid": m, "status": "applied"} for m in mids]})
        else:
            assert isinstance(reply, dict)
            route.fulfill(status=reply.get("status", 200), headers=reply.get("headers", {}), json=reply["json"])

    def _pull(self, route: Route) -> None:
        self.pulls.append({"t": time.monotonic(), "url": route.request.url, "headers": route.request.headers})
        reply = self.pull_replies.pop(0) if self.pull_replies else {"changes": [], "cursor": 0, "more": False}
        route.fulfill(json=reply)


def scripted_page(browser: Browser, url: str, script: Script, config: str = "{}") -> Page:
    context = browser.new_context()
    page = open_harness(context, url)
    script.install(page)
    page.evaluate(f"() => harness.create({config})")
    return page


def test_409_acknowledges_below_expected_mid_and_resends_from_it(browser: Browser, harness_server: str) -> None:
    script = Script(push_replies=[{"status": 409, "json": {"error": "gap", "message": "序号不连续", "expected_mid": 3}}])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.report(5)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(IDLE)
    assert [p["mids"] for p in script.pushes] == [[1, 2, 3, 4, 5], [3, 4, 5]]
    assert page.evaluate("() => harness.client.state.lastError") is None
    page.context.close()


def test_409_that_cannot_be_met_keeps_rows_and_reports_the_gap(browser: Browser, harness_server: str) -> None:
    gap = {"status": 409, "json": {"error": "gap", "expected_mid": 1}}
    script = Script(push_replies=[gap, gap])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("""async () => {
      await harness.report(5);
      const db = harness.openLocal("mashangban-resident");
      await harness.outbox.acknowledge(db, 2);  // rows 1 and 2 are gone; the server says it never saw them
      await db.close();
      harness.client.start();
    }""")
    page.wait_for_function("() => harness.client.state.lastError?.error === 'gap'")
    state = page.evaluate("() => harness.client.state")
    assert state["pending"] == 3 and state["lastError"]["status"] == 409
    assert [p["mids"] for p in script.pushes] == [[3, 4, 5]]
    page.evaluate("() => harness.client.stop()")
    page.context.close()


def test_rejected_mutation_leaves_the_outbox_and_stays_visible(browser: Browser, harness_server: str) -> None:
    script = Script(push_replies=[{"json": {"last_mid": 3, "cursor": 0, "results": [
        {"mid": 1, "status": "applied"},
        {"mid": 2, "status": "rejected", "error": "forbidden", "message": "只能操作自己提交的诉求"},
        {"mid": 3, "status": "conflict"},
    ]}}])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.report(3)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(IDLE + " && harness.client.state.rejected.length === 1")
    [rejected] = page.evaluate("() => harness.client.state.rejected")
    assert (rejected["mid"], rejected["name"], rejected["error"]) == (2, "case.create", "forbidden")
    assert rejected["message"] == "只能操作自己提交的诉求"
    page.evaluate("() => harness.client.dismissRejected(2)")
    assert page.evaluate("() => harness.client.state.rejected") == []
    assert page.evaluate("() => harness.client.pendingCount()") == 0
    page.context.close()


def test_503_retry_after_is_honoured_even_when_poked(browser: Browser, harness_server: str) -> None:
    script = Script(push_replies=[{"status": 503, "headers": {"Retry-After": "2"},
                                   "json": {"error": "unavailable", "message": "服务器繁忙，请稍后"}}])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.report(2)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function("() => harness.client.state.lastError?.status === 503")
    assert page.evaluate("() => harness.client.state.lastError.message") == "服务器繁忙，请稍后"
    page.evaluate("() => { harness.client.poke(); return harness.client.syncNow(); }")
    page.wait_for_timeout(1000)
    assert len(script.pushes) == 1
    page.wait_for_function(IDLE + " && harness.client.state.lastError === null", timeout=5000)
    assert len(script.pushes) == 2
    waited = script.pushes[1]["t"] - script.pushes[0]["t"]
    assert 1.9 <= waited < 3.5, waited
    page.context.close()


def test_server_errors_and_broken_connections_back_off_and_keep_rows(browser: Browser, harness_server: str) -> None:
    error = {"status": 500, "json": {"error": "internal", "message": "服务器内部错误，请稍后重试"}}
    script = Script(push_replies=[error, "abort", error])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.report(3)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(IDLE + " && harness.client.state.lastError === null", timeout=15_000)
    assert [p["mids"] for p in script.pushes] == [[1, 2, 3]] * 4
    waits = [b["t"] - a["t"] for a, b in zip(script.pushes, script.pushes[1:])]
    # 1 s after the first failure, then 1–2 s, then 2–4 s (jittered), each at least 1 s.
    assert all(w >= 0.95 for w in waits) and waits[2] >= 1.9, waits
    errors = [s["lastError"]["error"] for s in page.evaluate("() => harness.states") if s["lastError"]]
    assert [e for i, e in enumerate(errors) if i == 0 or errors[i - 1] != e] == ["internal", "network", "internal"]
    page.context.close()


def test_pull_pages_land_in_local_cases_and_advance_the_clock(browser: Browser, harness_server: str) -> None:
    future = "9000000000000-0005"
    script = Script(pull_replies=[
        {"changes": [{"seq": 7, "type": "case.create", "case_id": "x", "event": {"hlc": future},
                      "case": {"id": "x", "status": "submitted"}}], "cursor": 7, "more": True},
        {"changes": [{"seq": 8, "type": "case.accept", "case_id": "x", "event": {"hlc": "1000000000000-0000"},
                      "case": {"id": "x", "status": "accepted"}}], "cursor": 8, "more": False},
    ])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.client.start()")
    page.wait_for_function("() => harness.casesEvents.length === 2")
    assert [p["url"].split("?")[1] for p in script.pulls[:2]] == ["cursor=0", "cursor=7"]
    assert page.evaluate("() => harness.client.getCase('x')") == {"id": "x", "status": "accepted"}
    row = page.evaluate("() => harness.client.enqueue('case.note', {id: 'x', note_id: 'n', text: '已到场'})")
    assert row["hlc"] > future
    page.wait_for_function(IDLE)
    assert script.pulls[-1]["url"].endswith("cursor=8")
    page.context.close()


@pytest.mark.parametrize("kind, token", [("resident", None), ("field", "dev-token-123"), ("kiosk", "kiosk-token")])
def test_requests_name_the_client_as_its_kind_requires(browser: Browser, harness_server: str, kind: str,
                                                       token: str | None) -> None:
    script = Script()
    page = scripted_page(browser, harness_server, script, json.dumps({"kind": kind, "token": token}))
    page.evaluate("() => harness.report(1)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(IDLE + " && harness.client.state.lastSuccessAt !== null")
    client_id = page.evaluate("() => harness.client.clientId()")
    assert len(client_id) == 32 and all(c in "0123456789abcdef" for c in client_id)
    [push] = script.pushes
    pull = script.pulls[0]
    assert push["body"]["client_id"] == client_id
    assert pull["headers"]["x-client-id"] == client_id and client_id not in pull["url"]
    for request in (push, pull):
        assert request["headers"].get("authorization") == (f"Bearer {token}" if token else None)
    page.context.close()


def test_a_batch_over_the_server_limit_goes_again_in_halves(browser: Browser, harness_server: str) -> None:
    too_large = {"status": 413, "json": {"error": "too_large", "message": "一次最多同步 2 条操作"}}
    script = Script(push_replies=[too_large, too_large])
    page = scripted_page(browser, harness_server, script)
    page.evaluate("() => harness.report(5)")
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(IDLE + " && harness.client.state.lastError === null")
    assert [p["mids"] for p in script.pushes] == [[1, 2, 3, 4, 5], [1, 2, 3], [1, 2], [3, 4], [5]]
    page.context.close()


def test_visible_page_syncs_and_storage_persistence_is_asked_once(browser: Browser, harness_server: str) -> None:
    script = Script()
    context = browser.new_context()
    page = open_harness(context, harness_server)
    script.install(page)
    asked = """() => {
      window.persistCalls = 0;
      navigator.storage.persist = async () => { window.persistCalls += 1; return false; };
    }"""
    page.evaluate(asked)
    page.evaluate("() => { harness.create(); harness.client.start(); }")
    page.wait_for_function(IDLE + " && harness.client.state.lastSuccessAt !== null && window.persistCalls === 1")
    pulls = len(script.pulls)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # headless pages are visible
    deadline = time.monotonic() + 5
    while len(script.pulls) == pulls and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert len(script.pulls) == pulls + 1

    page.reload()
    page.wait_for_selector("html[data-harness=ready]", state="attached")
    page.evaluate(asked)
    page.evaluate("() => { harness.create(); harness.client.start(); }")
    page.wait_for_function(IDLE + " && harness.client.state.lastSuccessAt !== null")
    assert page.evaluate("() => window.persistCalls") == 0  # asked on the first start, before the reload
    context.close()


def test_other_tabs_see_the_outbox_change(browser: Browser, harness_server: str) -> None:
    context = browser.new_context()
    tabs = [open_harness(context, harness_server), open_harness(context, harness_server)]
    for tab in tabs:
        tab.evaluate("() => { harness.create(); harness.client.start(); }")
    context.set_offline(True)
    tabs[0].evaluate("() => harness.report(3)")
    tabs[1].wait_for_function("() => harness.client.state.pending === 3", timeout=5000)
    context.close()
