"""The browser sync client against the real server (push and pull of sync-py), in Chromium: reports made
offline survive a reload and a browser restart and reach the server exactly once, through server errors,
replies lost after commit, and two tabs syncing at once."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from sync.names import M
from tests.support.browser import launch_persistent
from tests.support.databases import new_database, query
from tests.support.faults import Faults
from tests.support.fixtures import open_harness
from tests.support.harness import serve_offline, with_harness
from tests.support.server import demo_app, serve

pytestmark = pytest.mark.browser

IDLE = "() => harness.client.state.pending === 0 && !harness.client.state.syncing"
SYNCED = IDLE + " && harness.client.state.lastError === null && harness.client.state.lastSuccessAt !== null"


@dataclass
class Site:
    url: str
    faults: Faults
    db: str

    def server_view(self) -> dict[str, Any]:
        """What the server holds: case ids, how often each was created, and each client's mutation ledger."""
        cases = [r["id"] for r in query(self.db, "SELECT id FROM cases")]
        creates = Counter(r["case_id"] for r in query(self.db, "SELECT case_id FROM events WHERE type = ?", (M.create,)))
        ledger = [tuple(r.values()) for r in query(
            self.db, "SELECT client_id, mid, status FROM mutations ORDER BY client_id, mid")]
        clients = {r["client_id"]: r["last_mid"] for r in query(self.db, "SELECT client_id, last_mid FROM clients")}
        return {"cases": cases, "creates": creates, "ledger": ledger, "clients": clients}

    def assert_each_once(self, ids: list[str]) -> None:
        view = self.server_view()
        assert len(ids) == len(set(ids))
        assert sorted(view["cases"]) == sorted(ids)
        assert set(view["creates"].values()) == {1} and sorted(view["creates"]) == sorted(ids)


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    """The real app behind a fault injector; ``indirect`` parametrisation passes it settings."""
    db = new_database(tmp_path, "server")
    faults = Faults(demo_app(db, **getattr(request, "param", {})))
    with serve(with_harness(faults)) as url:
        yield Site(url, faults, db)


def eventually(page: Page, script: str, arg: object = None, timeout_s: float = 10) -> None:
    """Evaluate the async predicate ``script`` until it is true (wait_for_function takes a promise for true)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {script}"
        page.wait_for_timeout(100)


def start_client(page: Page, config: str = "{}") -> None:
    page.evaluate(f"() => {{ harness.create({config}); harness.client.start(); }}")


def test_fifty_offline_reports_survive_reload_and_restart_then_arrive_once(
        browser: Browser, site: Site, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    context = launch_persistent(browser.browser_type, profile)
    page = open_harness(context, site.url)
    start_client(page)
    page.wait_for_function(SYNCED)

    context.set_offline(True)
    serve_offline(context, site.url)
    started = time.monotonic()
    ids = page.evaluate("() => harness.report(50)")
    enqueue_s = time.monotonic() - started
    page.wait_for_function("() => harness.client.state.lastError?.error === 'offline'")
    assert page.evaluate("() => harness.client.state.pending") == 50

    page.reload()
    page.wait_for_selector("html[data-harness=ready]", state="attached")
    start_client(page)
    assert page.evaluate("() => harness.client.pendingCount()") == 50
    context.close()

    context = launch_persistent(browser.browser_type, profile)
    context.set_offline(True)
    serve_offline(context, site.url)
    page = open_harness(context, site.url)
    start_client(page)
    page.wait_for_function("() => harness.client.state.pending === 50")
    assert sorted(r["args"]["id"] for r in page.evaluate("() => harness.client.pending()")) == sorted(ids)
    assert site.faults.calls["/api/sync/push"] == 0 and site.server_view()["cases"] == []
    # A kiosk forgets the person who leaves; what they reported is still delivered.
    page.evaluate("() => harness.client.forgetCases()")
    assert page.evaluate("() => harness.client.listCases()") == []
    assert page.evaluate("() => harness.client.pendingCount()") == 50

    started = time.monotonic()
    context.set_offline(False)  # the "online" event alone must start the sync
    page.wait_for_function(SYNCED)
    sync_s = time.monotonic() - started
    site.assert_each_once(ids)
    local = page.evaluate("() => harness.client.listCases()")
    assert sorted(c["id"] for c in local) == sorted(ids)
    assert all(c["number"] and c["status"] == "submitted" for c in local)  # the server's copies came back
    print(f"\n50 offline reports: enqueue {enqueue_s * 1000:.0f} ms; online to synced {sync_s * 1000:.0f} ms; "
          f"{site.faults.calls['/api/sync/push']} push(es), {site.faults.calls['/api/sync/pull']} pull(s)")
    context.close()


# The push count below is the faults' arithmetic: a new phone's first push may bring all 20 of its batch.
@pytest.mark.parametrize("site", [{"rate_new_client_cases": 20}], indirect=True)
def test_server_errors_and_replies_lost_after_commit_still_apply_each_once(browser: Browser, site: Site) -> None:
    context = browser.new_context()
    page = open_harness(context, site.url)
    site.faults.fail("/api/sync/push", times=2, status=500)
    site.faults.drop_reply("/api/sync/push", times=2)
    page.evaluate("() => harness.create({ batchSize: 20 })")
    ids = page.evaluate("() => harness.report(50)")
    started = time.monotonic()
    page.evaluate("() => harness.client.start()")
    page.wait_for_function(SYNCED, timeout=60_000)
    elapsed = time.monotonic() - started
    site.assert_each_once(ids)
    [(client_id, last_mid)] = site.server_view()["clients"].items()
    assert last_mid == 50
    assert [(mid, status) for _, mid, status in site.server_view()["ledger"]] == [(m, "applied") for m in range(1, 51)]
    assert page.evaluate("() => harness.client.pendingCount()") == 0
    assert page.evaluate("() => harness.client.rejected()") == []
    seen = {s["lastError"]["error"] for s in page.evaluate("() => harness.states") if s["lastError"]}
    assert {"internal", "network"} <= seen
    # 2 refused + 2 lost replies for the first batch of 20 (committed once, then duplicates), then 20 and 10.
    assert site.faults.calls["/api/sync/push"] == 7
    print(f"\n50 reports through 2×500 and 2 lost replies: synced in {elapsed:.1f} s (backoff included)")
    context.close()


def test_two_tabs_sync_one_at_a_time_and_each_report_arrives_once(browser: Browser, site: Site) -> None:
    context: BrowserContext = browser.new_context()
    tabs = [open_harness(context, site.url), open_harness(context, site.url)]
    site.faults.hold("/api/sync/", 0.1)  # long enough that two syncers without the lock would overlap
    for tab in tabs:
        start_client(tab, "{ batchSize: 5 }")
    for tab in tabs:
        tab.wait_for_function(SYNCED)
    handles = [tab.evaluate_handle(f"() => harness.report(25, 'tab{i}')") for i, tab in enumerate(tabs)]
    ids = [i for handle in handles for i in handle.json_value()]
    for tab in tabs:
        tab.evaluate("() => harness.client.syncNow()")
        tab.wait_for_function(SYNCED)
    site.assert_each_once(ids)
    assert site.faults.max_in_flight == 1
    [(client_id, last_mid)] = site.server_view()["clients"].items()  # one browser profile, one client
    assert last_mid == 50
    for tab in tabs:
        assert sorted(c["id"] for c in tab.evaluate("() => harness.client.listCases()")) == sorted(ids)
    context.close()


def test_staff_device_token_and_resident_see_each_others_changes(browser: Browser, site: Site) -> None:
    resident = open_harness(browser.new_context(), site.url)
    start_client(resident)
    [case_id] = resident.evaluate("() => harness.report(1)")
    resident.wait_for_function(SYNCED)
    # A resident may not accept a case: the server refuses it, the row leaves the queue, the refusal stays.
    resident.evaluate("""(id) => harness.client.enqueue("case.accept", { id },
                                                            (current) => ({ ...current, status: "accepted" }))""", case_id)
    resident.wait_for_function(IDLE + " && harness.client.state.rejected.length === 1")
    [refused] = resident.evaluate("() => harness.client.state.rejected")
    assert (refused["name"], refused["error"], refused["message"]) == ("case.accept", "forbidden", "您没有权限执行此操作")

    login = httpx.post(site.url + "/api/auth/login", json={"username": "dispatcher", "password": "demo1234",
                                                            "device": True})
    token = login.json()["device_token"]
    console = open_harness(browser.new_context(), site.url)
    start_client(console, json.dumps({"kind": "console", "token": token}))
    console.wait_for_function(SYNCED + " && harness.casesEvents.length > 0")
    assert console.evaluate("(id) => harness.client.getCase(id)", case_id)["status"] == "submitted"
    console.evaluate("""(id) => harness.client.enqueue("case.accept", { id },
                                                           (current) => ({ ...current, status: "accepted" }))""", case_id)
    console.wait_for_function(SYNCED)
    assert console.evaluate("() => harness.client.state.rejected") == []

    resident.evaluate("() => harness.client.poke()")  # as on an SSE event
    eventually(resident, "async (id) => (await harness.client.getCase(id)).status === 'accepted'", case_id)
    resident.context.close()
    console.context.close()
