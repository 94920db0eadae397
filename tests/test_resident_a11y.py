"""axe-core finds no violations on any screen of the resident app, at a phone's viewport, in both languages."""
from __future__ import annotations

import pytest

from tests.resident_browser import Staff, fill_report, new_phone, open_site, submit_and_get_token, wait_case
from tests.support.axe import violations
from tests.support.server import RunningServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(module_server: RunningServer) -> RunningServer:
    return module_server


def assert_clean(page, screen):
    found = violations(page)
    assert found == [], f"{screen}: {found}"


def test_every_screen_passes_axe(browser, server):
    context = new_phone(browser)
    page = open_site(context, server.url)
    assert_clean(page, "report form")
    page.click("[data-action=submit]")
    page.fill("[data-field=phone]", "abc")
    page.click("[data-action=submit]")
    assert_clean(page, "report form with errors")
    fill_report(page, phone="13912345678")
    token = submit_and_get_token(page)
    assert_clean(page, "receipt")
    page.click("[data-action=mine]")
    page.wait_for_selector("[data-region=mine] a")
    assert_clean(page, "my cases")
    page.goto(f"{server.url}/t/{token}")
    page.wait_for_selector("[data-action=withdraw]")
    assert_clean(page, "tracking, reporter's phone")
    page.click("[data-action=withdraw]")
    assert_clean(page, "withdrawal confirmation")
    staff = Staff(server.url)
    case_id = wait_case(server.db, token)["id"]
    staff.push("case.accept", {"id": case_id})
    staff.push("case.dispatch", {"id": case_id, "team": "BL-SZ"})
    staff.push("case.resolve", {"id": case_id, "text": "路灯已修好"})
    staff.close()
    page.reload()
    page.wait_for_selector("[data-form=rating]")
    page.click("[data-action=rate]")
    assert_clean(page, "rating form with an error")
    other = new_phone(browser).new_page()
    other.goto(f"{server.url}/t/{token}")
    other.wait_for_selector("[data-status=resolved]")
    assert_clean(other, "tracking, another device")
    other.goto(f"{server.url}/t/{'0' * 32}")
    other.wait_for_selector("[data-error=missing]")
    assert_clean(other, "tracking, unknown link")
    other.goto(f"{server.url}/s/NO-SUCH-SITE")
    assert_clean(other, "unknown site page")
    page.goto(f"{server.url}/s/BL-JX-004")
    page.wait_for_selector("[data-action=category]")
    page.click("[data-action=lang]")
    page.wait_for_selector("[data-action=category] >> text=Traffic safety")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.inner_text("[data-action=submit]") == "Submit"
    assert_clean(page, "report form in English")
    page.click("[data-action=lang]")
    page.wait_for_selector("[data-action=submit] >> text=提交")
    context.close()
