"""The console's English switch, in real Chromium against a real server: every screen's own words in English
(the data people typed stays as typed), the choice kept across a reload and shared with the other apps, and back."""
from __future__ import annotations

import re
from typing import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.console_support import Desk, desk  # noqa: F401  (a fixture, found by name)
from tests.support.server import RunningServer
from tests.test_console_browser import push_report, sign_in

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# The console's own words on a screen: headings, labels, buttons, column heads, statuses, timeline verbs.
CHROME = ("h1, nav a, header button:not([data-action='lang']), [data-role='live-status'], [data-role='outbox'], "
          "th:not([scope='row']), dt, label, legend, "
          "button:not([data-action='open-photo']):not([data-action='lang']), [data-role='board-status'], "
          "td.status, [data-role='case-status'], [data-role='timeline'] strong, h3, [data-role='urgent']")


def chinese_left(page: Page) -> list[str]:
    # A label's own words, not the choices of the list it holds (community names are data).
    texts: list[str] = page.evaluate("""(selector) => [...document.querySelectorAll(selector)].map((node) => {
        const copy = node.cloneNode(true);
        copy.querySelectorAll("select, input, textarea").forEach((control) => control.remove());
        return copy.textContent.trim();
    })""", CHROME)
    return [text for text in texts if CJK.search(text)]


def test_every_screen_switches_to_english_and_stays(server: RunningServer, browser: Browser,
                                                     desk: Callable[[str], Desk]) -> None:
    case_id, number = push_report(server)
    dispatcher = desk("dispatcher")
    dispatcher.act("case.accept", id=case_id)
    dispatcher.note(case_id, "已电话联系")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    errors = sign_in(page, server, "admin")
    page.wait_for_url("**/console/**")
    page.locator(f'[data-case-id="{case_id}"]').wait_for()
    lang = page.locator('[data-action="lang"]')
    expect(lang).to_have_text("English")
    expect(lang).to_have_attribute("lang", "en")
    lang.click()
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("h1")).to_have_text("Mashangban · Dispatch console")
    expect(page.locator(f'[data-case-id="{case_id}"] td.status')).to_have_text("Accepted")
    expect(page.locator(f'[data-case-id="{case_id}"]')).to_contain_text("Request for help")
    expect(page.locator('[data-role="live-status"]')).to_have_text("Live updates connected")
    expect(lang).to_have_text("中文")
    expect(lang).to_have_attribute("lang", "zh-CN")
    assert chinese_left(page) == []
    assert page.title() == "Mashangban · Dispatch console · Mashangban"

    page.reload()  # the choice is remembered
    page.locator(f'[data-case-id="{case_id}"]').wait_for()
    expect(page.locator("h1")).to_have_text("Mashangban · Dispatch console")
    page.goto(f"{server.url}/console/#/case/{case_id}")
    expect(page.locator("h2")).to_contain_text(f"{number} · Accepted")
    expect(page.locator('[data-role="timeline"] li[data-event-type="case.accept"]')).to_contain_text(
        "街道指挥中心调度员 (Dispatcher)")
    assert chinese_left(page) == []
    page.keyboard.press("d")
    page.locator('form[data-action="dispatch-form"]').wait_for()
    assert chinese_left(page) == []
    page.keyboard.press("Escape")
    for screen, hook in (("stats", "[data-chart='compare']"), ("admin/sites", "[data-site]"),
                         ("admin/categories", "[data-category]"), ("admin/teams", "[data-team]"),
                         ("admin/users", "[data-user]")):
        page.goto(f"{server.url}/console/#/{screen}")
        page.locator(hook).first.wait_for()
        assert chinese_left(page) == [], screen
    # Back to Chinese, in one press.
    page.locator('[data-action="lang"]').click()
    expect(page.locator("h1")).to_have_text("码上办 · 调度台")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.evaluate("localStorage.getItem('mashangban-lang')") == "zh"
    assert not errors, errors
