"""axe-core on the field app's screens at a phone viewport (sign-in, 我的任务, a task, the note form, an English
task page): no WCAG 2.1 A/AA violation, in real Chromium against a real server."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.resident_browser import PHONE
from tests.support.server import RunningServer
from tests.test_console_a11y import check
from tests.test_field_browser import device_sign_in, dispatched_case

pytestmark = pytest.mark.browser


def test_field_screens_have_no_accessibility_violations(server: RunningServer, browser: Browser) -> None:
    case_id, _ = dispatched_case(server)
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.url + "/field/")
    page.locator('form[data-action="login"]').wait_for()
    found = check(page, "sign-in")
    device_sign_in(page, server)
    page.locator(f'[data-case-id="{case_id}"]').wait_for(timeout=10_000)
    found += check(page, "my tasks")
    page.locator(f'[data-case-id="{case_id}"] a').click()
    page.locator('[data-role="timeline"]').wait_for()
    found += check(page, "task")
    page.click('[data-action="note"]')
    page.locator('form[data-action="note-form"]').wait_for()
    found += check(page, "note form")
    page.click('form[data-action="note-form"] [data-action="cancel"]')
    page.click('[data-action="lang"]')
    page.locator('[data-action="start"]', has_text="Start work").wait_for()
    found += check(page, "task (English)")
    assert not found, "\n".join(found)
