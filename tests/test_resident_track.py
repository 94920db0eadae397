"""Following a case in Chromium: live status on any device, rating (不满意 reopens), withdrawal, my cases."""
from __future__ import annotations

import time
from typing import Iterator

import pytest

from tests.resident_browser import (Staff, case_row, fill_report, new_phone, open_site, submit_and_get_token,
                                    wait_case)
from tests.support.server import RunningServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(module_server: RunningServer) -> RunningServer:
    return module_server


@pytest.fixture
def staff(server: RunningServer) -> Iterator[Staff]:
    member = Staff(server.url)
    yield member
    member.close()


def report(browser, server, **fields):
    """A phone that reported one case (with a phone number); returns the context, the page and the token."""
    context = new_phone(browser)
    page = open_site(context, server.url)
    fill_report(page, phone="13912345678", **fields)
    token = submit_and_get_token(page)
    page.wait_for_selector("[data-receipt=state]:text-matches('诉求编号')", timeout=15_000)
    return context, page, token


def wait_status(server, token, status, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = case_row(server.db, token)
        if row is not None and row["status"] == status:
            return row
        time.sleep(0.1)
    raise AssertionError(f"case never reached {status}: {dict(case_row(server.db, token) or {})}")


def test_tracking_page_on_another_device_shows_a_staff_change_within_2_s(browser, server, staff):
    phone, _, token = report(browser, server)
    case_id = wait_case(server.db, token)["id"]
    other = new_phone(browser)  # a relative's phone: only the link
    page = other.new_page()
    page.goto(f"{server.url}/t/{token}")
    page.wait_for_selector("[data-status=submitted]")
    text = page.inner_text("main")
    assert "天鑫社区党群服务中心" in text and "天鑫路 3 号路灯不亮" in text
    assert "13912345678" not in page.content()
    assert page.locator("[data-action=withdraw], [data-form=rating]").count() == 0  # not the reporter's phone
    page.wait_for_timeout(500)  # the stream is open
    staff.push("case.accept", {"id": case_id})
    started = time.monotonic()
    page.wait_for_selector("[data-status=accepted]", timeout=2_000)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert page.locator("[data-region=timeline] li").count() == 2
    other.close()
    phone.close()


def test_unsatisfied_rating_reopens_the_case(browser, server, staff):
    context, page, token = report(browser, server, category="env", description="小区门口垃圾三天没人清")
    case_id = wait_case(server.db, token)["id"]
    staff.push("case.accept", {"id": case_id})
    staff.push("case.dispatch", {"id": case_id, "team": "BL-CG"})
    staff.push("case.resolve", {"id": case_id, "text": "已安排清运"})
    page.goto(f"{server.url}/t/{token}")
    page.wait_for_selector("[data-form=rating]")
    assert "已安排清运" in page.inner_text("[data-region=timeline]")
    page.click("[data-action=rate]")
    assert page.inner_text("[data-error=rating-error]") == "请选择一项评价"
    page.check("[data-rating=unsatisfied]")
    page.fill("[data-field=comment]", "只清了一半")
    page.click("[data-action=rate]")
    page.wait_for_selector("text=已收到，将重新处理。")
    row = wait_status(server, token, "dispatched")
    assert row["rating"] == "unsatisfied" and row["rating_comment"] == "只清了一半" and row["rework_count"] == 1
    page.wait_for_selector("[data-status=dispatched]", timeout=5_000)
    # Resolved again: the resident rates again, this time satisfied, and the case closes.
    staff.push("case.resolve", {"id": case_id, "text": "已全部清运"})
    page.wait_for_selector("[data-form=rating]", timeout=5_000)
    page.check("[data-rating=satisfied]")
    page.click("[data-action=rate]")
    assert wait_status(server, token, "closed")["rating"] == "satisfied"
    context.close()


def test_resident_withdraws_before_dispatch(browser, server):
    context, page, token = report(browser, server, category="consult", description="想问一下老年卡怎么办")
    page.goto(f"{server.url}/t/{token}")
    page.click("[data-action=withdraw]")
    page.fill("[data-field=reason]", "已经问清楚了")
    page.click("[data-action=withdraw-confirm]")
    page.wait_for_selector("text=已申请撤回。")
    assert wait_status(server, token, "withdrawn")["status"] == "withdrawn"
    page.wait_for_selector("[data-status=withdrawn]", timeout=5_000)
    assert page.locator("[data-action=withdraw]").count() == 0
    context.close()


def test_my_cases_lists_this_phones_cases_with_status(browser, server, staff):
    context, page, token = report(browser, server, category="help", description="家里老人摔倒了需要帮忙")
    case_id = wait_case(server.db, token)["id"]
    page.click("[data-action=mine]")
    page.wait_for_selector(f"[data-region=mine] a[href='/t/{token}'] [data-status=submitted]")
    assert "求助" in page.inner_text("[data-region=mine]")
    assert page.locator("[data-action=report-here]").inner_text() == "在“天鑫社区党群服务中心”反映问题"
    staff.push("case.accept", {"id": case_id})
    page.wait_for_selector(f"[data-region=mine] a[href='/t/{token}'] [data-status=accepted]", timeout=5_000)
    context.close()
