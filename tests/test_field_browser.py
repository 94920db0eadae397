"""The field-staff app (``/field/``) in real Chromium on a phone viewport against a real server.

- a field worker signs the phone in (device token), sees the case a dispatcher dispatched to their team, goes
  offline once the service worker controls the page, starts it, adds a note and resolves it, reloads the page
  offline (the app opens from the worker's cache, the actions still queued), comes back online: the server has
  each action exactly once and the case is resolved;
- the shared /login page sends field staff to /field/, where the phone is registered with the password again;
- signing out revokes the device token: the old token can no longer pull, and the phone forgets its data.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.resident_browser import PHONE, Staff, wait_controlled
from tests.support.server import RunningServer
from tests.test_console_browser import case_as_server_sees_it, push_report

pytestmark = pytest.mark.browser


def dispatched_case(server: RunningServer, team: str = "BL-DY") -> tuple[str, str]:
    """A resident's report, accepted and dispatched to ``team`` by a dispatcher; returns (id, number)."""
    case_id, number = push_report(server)
    staff = Staff(server.url)
    try:
        staff.push("case.accept", {"id": case_id})
        staff.push("case.dispatch", {"id": case_id, "team": team})
    finally:
        staff.close()
    return case_id, number


def device_sign_in(page: Page, server: RunningServer, username: str = "field2") -> None:
    page.goto(server.url + "/field/")
    page.locator('form[data-action="login"]').wait_for()
    page.fill("#field-username", username)
    page.fill("#field-password", "demo1234")
    page.click('form[data-action="login"] [data-action="submit"]')
    page.locator('[data-role="pending"]').wait_for()


def device_token(page: Page) -> Any:
    return page.evaluate("""() => new Promise((resolve, reject) => {
      const open = indexedDB.open("mashangban-field-app");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction("auth").objectStore("auth").get("device");
        get.onsuccess = () => { resolve(get.result?.token ?? null); open.result.close(); };
      };
    })""")


def pending(page: Page) -> Any:
    return page.locator('[data-role="pending"]')


def test_a_field_worker_handles_a_case_offline_and_it_reaches_the_server_once(
        server: RunningServer, browser: Browser) -> None:
    case_id, number = dispatched_case(server)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    device_sign_in(page, server)
    item = page.locator(f'[data-role="tasks"] [data-case-id="{case_id}"]')
    expect(item).to_contain_text(number, timeout=10_000)
    expect(item.locator('[data-role="case-status"]')).to_have_text("已派遣")
    expect(item).to_contain_text("剩余")
    wait_controlled(page)
    item.locator("a").click()
    page.locator('[data-role="timeline"]').wait_for()
    expect(page.locator('[data-role="description"]')).to_contain_text("独居老人发烧")
    expect(page.locator(".facts")).to_contain_text("13800000000")

    context.set_offline(True)
    page.click('[data-action="start"]')
    expect(page.locator('h1 [data-role="case-status"]')).to_have_text("处置中")
    expect(pending(page)).to_have_text("待同步 1 条")
    page.click('[data-action="note"]')
    page.fill("#action-note-text", "已到现场，药已买好")
    page.click('form[data-action="note-form"] [data-action="confirm"]')
    expect(page.locator('[data-role="notes"]')).to_contain_text("已到现场，药已买好")
    page.click('[data-action="resolve"]')
    page.fill("#action-resolve-text", "已将药品送到王阿姨家中")
    page.click('form[data-action="resolve-form"] [data-action="confirm"]')
    expect(page.locator('h1 [data-role="case-status"]')).to_have_text("已办结")
    expect(pending(page)).to_have_text("待同步 3 条")
    expect(page.locator('[data-role="pending-actions"] li')).to_have_count(3)

    page.reload()  # offline: the shell, modules and data come from the worker's cache and IndexedDB
    expect(page.locator('h1 [data-role="case-status"]')).to_have_text("已办结", timeout=10_000)
    expect(pending(page)).to_have_text("待同步 3 条")
    expect(page.locator('[data-role="notes"]')).to_contain_text("已到现场")
    assert case_as_server_sees_it(server, case_id)["case"]["status"] == "dispatched"

    context.set_offline(False)
    expect(pending(page)).to_have_text("已全部同步", timeout=15_000)
    expect(page.locator('[data-role="last-sync"]')).to_contain_text("上次同步")
    detail = case_as_server_sees_it(server, case_id)
    assert detail["case"]["status"] == "resolved"
    counts = Counter(e["type"] for e in detail["timeline"])
    assert (counts["case.start"], counts["case.note"], counts["case.resolve"]) == (1, 1, 1), counts
    assert counts["case.conflict"] == 0
    mine = [e for e in detail["timeline"] if e["type"] in ("case.start", "case.note", "case.resolve")]
    assert {e["actor"]["user"] for e in mine} == {"field2"}
    assert {e["actor"]["client_kind"] for e in mine} == {"field"}
    # The server's history replaces the queued list once everything is in.
    expect(page.locator('[data-role="pending-actions"]')).to_have_count(0, timeout=10_000)
    expect(page.locator('[data-role="timeline"] [data-event-type="case.resolve"]')).to_have_count(1, timeout=10_000)
    assert not errors, errors


def test_the_login_page_sends_field_staff_to_the_field_app(server: RunningServer, browser: Browser) -> None:
    case_id, _ = dispatched_case(server, team="TX-WG")
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.url + "/login")
    page.fill("#login-username", "field1")
    page.fill("#login-password", "demo1234")
    page.keyboard.press("Enter")
    page.wait_for_url("**/field/")
    # The session cookie names the user; the phone still needs its own device token, so the password is asked.
    expect(page.locator("#field-username")).to_have_value("field1")
    expect(page.locator('form[data-action="login"]')).to_contain_text("张敏")
    page.fill("#field-password", "demo1234")
    page.click('form[data-action="login"] [data-action="submit"]')
    expect(page.locator(f'[data-case-id="{case_id}"]')).to_be_visible(timeout=10_000)
    assert device_token(page)


def test_signing_out_revokes_the_device_token(server: RunningServer, browser: Browser) -> None:
    case_id, _ = dispatched_case(server)
    page = browser.new_context(**PHONE).new_page()
    device_sign_in(page, server)
    page.locator(f'[data-case-id="{case_id}"]').wait_for(timeout=10_000)
    token = device_token(page)
    headers = {"Authorization": f"Bearer {token}", "X-Client-Id": "0" * 32}
    assert httpx.get(server.url + "/api/sync/pull", params={"cursor": 0}, headers=headers).status_code == 200
    page.click('[data-action="logout"]')
    page.locator('form[data-action="login"]').wait_for(timeout=10_000)
    assert device_token(page) is None
    response = httpx.get(server.url + "/api/sync/pull", params={"cursor": 0}, headers=headers)
    assert response.status_code == 401, response.text
    # The phone kept nothing of the cases: signing in as someone else starts from an empty store.
    count = page.evaluate("""() => new Promise((resolve) => {
      const open = indexedDB.open("mashangban-field");
      open.onupgradeneeded = () => resolve(0);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("cases")) { resolve(0); db.close(); return; }
        const req = db.transaction("cases").objectStore("cases").count();
        req.onsuccess = () => { resolve(req.result); db.close(); };
      };
    })""")
    assert count == 0
