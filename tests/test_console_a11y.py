"""axe-core on the staff pages (sign-in, board, a case, the dispatch dialog, statistics, each admin page):
no WCAG 2.1 A/AA violation, in real Chromium against a real server."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.support.axe import violations
from tests.support.server import RunningServer
from tests.test_console_browser import push_report, sign_in

pytestmark = pytest.mark.browser


def check(page: Page, where: str) -> list[str]:
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes'][:3]}" for v in violations(page)]


def test_staff_pages_have_no_accessibility_violations(server: RunningServer, browser: Browser) -> None:
    case_id, _ = push_report(server)
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(server.url + "/login")
    found = check(page, "login")
    sign_in(page, server, "admin")
    page.wait_for_url("**/console/**")
    page.locator(f'[data-case-id="{case_id}"]').wait_for()
    found += check(page, "board")
    page.goto(f"{server.url}/console/#/case/{case_id}")
    page.locator('[data-role="timeline"]').wait_for()
    found += check(page, "case")
    page.keyboard.press("m")
    page.locator('form[data-action="merge-form"]').wait_for()
    found += check(page, "merge dialog")
    page.keyboard.press("Escape")
    page.goto(server.url + "/console/#/stats")
    page.locator('[data-chart="compare"]').wait_for()
    found += check(page, "statistics")
    for tab, hook in (("sites", "[data-site]"), ("categories", "[data-category]"), ("teams", "[data-team]"),
                      ("users", "[data-user]")):
        page.goto(f"{server.url}/console/#/admin/{tab}")
        page.locator(hook).first.wait_for()
        found += check(page, f"admin {tab}")
    assert not found, "\n".join(found)
