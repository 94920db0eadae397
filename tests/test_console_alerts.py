"""Deadline alerts in real Chromium against a real server: when an open case nears its limit and when it passes
it, the console plays a tone, shows a toast and, where the person allowed it, a browser notification; with
notifications refused the tone and the toast still come. Permission is asked once, on a click, never unprompted."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.console_support import Desk, desk  # noqa: F401  (a fixture, found by name)
from tests.support.axe import violations
from tests.support.server import RunningServer
from tests.test_console_browser import sign_in

pytestmark = pytest.mark.browser
CHINA = timezone(timedelta(hours=8))

# Counts what the page asks of the Notification API, and lets the real API do it.
SPY = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.shownNotifications = [];
  window.permissionRequests = 0;
  class Spy extends Real {
    constructor(title, options) {
      super(title, options);
      window.shownNotifications.push({ title, body: options?.body ?? "" });
    }
  }
  Spy.requestPermission = (...args) => {
    window.permissionRequests += 1;
    return Real.requestPermission(...args);
  };
  window.Notification = Spy;
})();
"""


def console(context: BrowserContext, server: RunningServer) -> tuple[Page, list[str]]:
    context.add_init_script(SPY)
    page = context.new_page()
    errors = sign_in(page, server, "dispatcher")
    page.wait_for_url("**/console/**")
    expect(page.locator('[data-role="console"]')).to_have_attribute("data-live", "online", timeout=10_000)
    page.keyboard.press("Shift")  # an interaction: browsers start audio only after one
    return page, errors


def deny_notifications(context: BrowserContext, page: Page, origin: str) -> None:
    """The person said no: Playwright grants permissions but cannot refuse one, so ask Chromium directly."""
    session = context.new_cdp_session(page)
    target = session.send("Target.getTargetInfo")["targetInfo"]
    session.send("Browser.setPermission", {"permission": {"name": "notifications"}, "setting": "denied",
                                           "origin": origin, "browserContextId": target["browserContextId"]})


def test_a_case_nearing_and_passing_its_limit_alerts_with_and_without_notifications(
        server: RunningServer, browser: Browser, desk: Callable[[str], Desk]) -> None:
    allowed = browser.new_context(viewport={"width": 1280, "height": 800})
    allowed.grant_permissions(["notifications"], origin=server.url)
    granted, errors_granted = console(allowed, server)
    refused = browser.new_context(viewport={"width": 1280, "height": 800})
    denied, errors_denied = console(refused, server)
    deny_notifications(refused, denied, server.url)
    denied.reload()
    expect(denied.locator('[data-role="console"]')).to_have_attribute("data-live", "online", timeout=10_000)
    denied.keyboard.press("Shift")
    expect(granted.locator('[data-role="notifications"]')).to_have_text("桌面通知已开启")
    expect(denied.locator('[data-role="notifications"]')).to_have_text("桌面通知已被浏览器阻止")

    # A call logged 24 s after it came in, due 24 s from now: amber in about 12 s, red in 24 s.
    dispatcher = desk("dispatcher")
    now = datetime.now(CHINA)
    case_id = str(uuid.uuid4())
    created = dispatcher.act("case.create", id=case_id, track_token=uuid.uuid4().hex, site="BL-TX-002",
                             category="env", description="电话来报：楼道电线冒烟", channel="field",
                             submitted_at=(now - timedelta(seconds=24)).isoformat(),
                             resolution_due=(now + timedelta(seconds=24)).isoformat())
    assert created["status"] == "applied", created
    assert dispatcher.act("case.accept", id=case_id)["status"] == "applied"
    number = dispatcher.get(f"/api/cases/{case_id}")["case"]["number"]

    for page in (granted, denied):
        expect(page.locator('[data-role="alarm"]')).to_contain_text(f"即将超时：{number}", timeout=25_000)
    for page in (granted, denied):
        expect(page.locator('[data-role="alarm"]')).to_contain_text(f"已超时：{number}", timeout=25_000)
        assert int(page.evaluate("document.body.dataset.alarms")) == 2  # one tone per step
        # The toast leads to the case.
        expect(page.locator('[data-role="alarm"] a')).to_have_attribute("href", f"#/case/{case_id}")
    # The toast is as accessible as the rest of the page.
    found = violations(granted)
    assert not found, found
    shown = granted.evaluate("window.shownNotifications")
    assert [n["title"] for n in shown] == ["码上办：时限提醒", "码上办：时限提醒"]
    assert number in shown[0]["body"] and "即将超时" in shown[0]["body"] and "已超时" in shown[1]["body"]
    assert denied.evaluate("window.shownNotifications") == []
    # Neither page asked for permission on its own.
    assert granted.evaluate("window.permissionRequests") == 0 == denied.evaluate("window.permissionRequests")
    assert not errors_granted and not errors_denied, (errors_granted, errors_denied)


def test_permission_is_asked_once_and_only_on_a_click(server: RunningServer, browser: Browser) -> None:
    context = browser.new_context()
    page, errors = console(context, server)
    ask = page.locator('[data-action="ask-notifications"]')
    expect(ask).to_have_text("开启桌面通知")
    assert page.evaluate("window.permissionRequests") == 0
    ask.click()
    expect(ask).to_have_count(0)
    assert page.evaluate("window.permissionRequests") == 1
    # Whatever the answer was, the console does not ask again, not even after a reload.
    page.reload()
    page.locator('[data-role="notifications"]').wait_for(state="attached")
    expect(page.locator('[data-action="ask-notifications"]')).to_have_count(0)
    assert page.evaluate("window.permissionRequests") == 0
    assert not errors, errors
