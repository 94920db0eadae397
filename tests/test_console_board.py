"""The console's board in real Chromium against a real server: search that answers as one types, a typed number
that opens its case, the most urgent first, urgent reports marked from the moment they arrive, and rows dense
enough for fifteen cases on a 1366×768 screen without a status wrapping."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.console_support import Desk, desk  # noqa: F401  (a fixture, found by name)
from tests.support.server import RunningServer
from tests.test_console_browser import push_report, sign_in

pytestmark = pytest.mark.browser


def board(browser: Browser, server: RunningServer, width: int = 1366, height: int = 768) -> tuple[Page, list[str]]:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    errors = sign_in(page, server, "dispatcher")
    page.wait_for_url("**/console/**")
    page.locator('[data-role="board"]').wait_for()
    return page, errors


def rows(page: Page) -> list[str]:
    return [str(r.get_attribute("data-case-id")) for r in page.locator('[data-role="case-rows"] tr').all()]


def wait_rows(page: Page, expected: list[str]) -> None:
    """Wait until the board lists exactly ``expected``, in that order."""
    page.wait_for_function("""(expected) => JSON.stringify([...document.querySelectorAll('[data-role="case-rows"] tr')]
        .map((row) => row.dataset.caseId)) === JSON.stringify(expected)""", arg=expected, timeout=5_000)


def test_search_answers_as_one_types_and_a_number_opens_its_case(server: RunningServer, browser: Browser,
                                                                 desk: Callable[[str], Desk]) -> None:
    fever, _ = push_report(server, category="help", site="BL-TX-002")
    lamp, _ = push_report(server, category="facility", site="BL-LT-002")
    dispatcher = desk("dispatcher")
    dispatcher.note(lamp, "已通知市政所明早检修")
    lamp_number = dispatcher.get(f"/api/cases/{lamp}")["case"]["number"]
    page, errors = board(browser, server)
    expect(page.locator('[data-role="case-rows"] tr')).to_have_count(2)
    search = page.locator('[data-role="search"]')
    page.keyboard.press("/")
    expect(search).to_be_focused()
    # Two characters: no Enter, the list narrows while the box keeps the focus and what was typed.
    page.keyboard.type("检修", delay=50)
    wait_rows(page, [lamp])
    expect(search).to_be_focused()
    expect(search).to_have_value("检修")
    expect(page.locator('[data-role="board-status"]')).to_contain_text("找到 1 件")
    assert "q=%E6%A3%80%E4%BF%AE" in page.url  # the address holds the search: a reload shows the same list
    search.fill("")
    page.keyboard.type("天鑫花园")  # a site's name
    wait_rows(page, [fever])
    search.fill("")
    page.keyboard.type("没有这件事")
    expect(page.locator('[data-role="board-status"]')).to_have_text("没有找到相关案件")
    # A whole case number opens the case.
    search.fill("")
    page.keyboard.type(lamp_number.lower())
    expect(page.locator("h2")).to_contain_text(lamp_number)
    assert page.url.endswith(f"#/case/{lamp}")
    assert not errors, errors


def test_the_most_urgent_come_first_and_urgent_reports_are_marked(server: RunningServer, browser: Browser,
                                                                  desk: Callable[[str], Desk]) -> None:
    calm, _ = push_report(server, category="env")  # two hours to respond
    urgent, _ = push_report(server, category="help")  # ten minutes
    # A call logged yesterday whose deadline has passed: overdue.
    dispatcher = desk("dispatcher")
    late = "7" * 8 + "-7777-4777-8777-" + "7" * 12
    china = timezone(timedelta(hours=8))
    result = dispatcher.act("case.create", id=late, track_token="ab" * 16, site="BL-TX-001", category="env",
                            description="电话来报：小区门口井盖松动", channel="field",
                            submitted_at=(datetime.now(china) - timedelta(days=3)).isoformat(),
                            resolution_due=(datetime.now(china) - timedelta(days=1)).isoformat())
    assert result["status"] == "applied", result
    dispatcher.act("case.accept", id=late)
    page, errors = board(browser, server)
    expect(page.locator('[data-role="case-rows"] tr')).to_have_count(3)
    assert rows(page) == [late, urgent, calm]
    expect(page.locator(f'[data-case-id="{late}"]')).to_have_attribute("data-deadline-state", "overdue")
    expect(page.locator("#filter-sort")).to_have_value("due")
    expect(page.locator(f'[data-case-id="{urgent}"] [data-role="urgent"]')).to_have_text("紧急")
    expect(page.locator(f'[data-case-id="{calm}"] [data-role="urgent"]')).to_have_count(0)
    # Newest first is one choice away.
    page.locator("#filter-sort").select_option("new")
    expect(page.locator('[data-case-id]').first).to_have_attribute("data-case-id", urgent)
    # An urgent report arriving live is marked, and announced as urgent, at once.
    page.keyboard.press("Shift")
    arriving, number = push_report(server, category="hazard")
    row = page.locator(f'[data-case-id="{arriving}"]')
    expect(row.locator('[data-role="urgent"]')).to_have_text("紧急", timeout=3_000)
    expect(page.locator('[data-role="toast"]')).to_contain_text(f"紧急 新诉求：{number}")
    assert not errors, errors


def test_fifteen_cases_fit_on_a_1366_by_768_screen_and_no_status_wraps(server: RunningServer,
                                                                       browser: Browser) -> None:
    ids = [push_report(server, category=("help", "env", "noise", "hazard")[i % 4],
                       site=("BL-TX-005", "BL-LT-004", "BL-XH-002")[i % 3])[0] for i in range(20)]
    page, errors = board(browser, server, 1366, 768)
    expect(page.locator('[data-role="case-rows"] tr')).to_have_count(20)
    assert set(rows(page)) == set(ids)
    fully_visible = page.evaluate("""() => [...document.querySelectorAll('[data-role="case-rows"] tr')]
        .filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length""")
    assert fully_visible >= 15, fully_visible
    # Every cell is one line: a status like 待受理 never breaks into 待受/理.
    wrapped = page.evaluate("""() => [...document.querySelectorAll('[data-role="case-rows"] td')].filter((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
        // A second line starts below the bottom of the first (a badge's box beside the text is not one).
        return boxes.some((r) => r.top >= boxes[0].bottom - 1);
    }).map((cell) => cell.textContent)""")
    assert wrapped == [], wrapped
    # In English too, where the words are longer.
    page.locator('[data-action="lang"]').click()
    expect(page.locator('[data-role="case-rows"] td.status').first).to_have_text("Submitted")
    fully_visible = page.evaluate("""() => [...document.querySelectorAll('[data-role="case-rows"] tr')]
        .filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length""")
    assert fully_visible >= 15, fully_visible
    assert time.time() and not errors, errors
