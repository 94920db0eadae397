"""The console's case page updates in place, in real Chromium against a real server, while someone else works
the same case from another desk: the note being typed, the focused control and the button being pressed stay
what they are, the page does not scroll away, and the person is told the case moved under them."""
from __future__ import annotations

from typing import Callable

import pytest
from playwright.sync_api import Browser, expect

from tests.console_support import Desk, desk, open_case  # noqa: F401  (desk: a fixture, found by name)
from tests.support.server import RunningServer
from tests.test_console_browser import push_report

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(desk: Callable[[str], Desk]) -> Desk:
    """The other person: the admin at another desk, acting on the same cases."""
    return desk("admin")


def test_typing_a_note_and_reading_survive_live_updates(server: RunningServer, browser: Browser, admin: Desk) -> None:
    case_id, _ = push_report(server)
    for i in range(30):  # a long case: the page scrolls
        admin.note(case_id, f"第 {i + 1} 次电话回访：无人接听，稍后再打")
    page, errors = open_case(browser, server, case_id, height=700)
    expect(page.locator('[data-role="notes"] li')).to_have_count(30)
    note = page.locator('[data-role="note-text"]')
    page.evaluate("window.noteField = document.querySelector('[data-role=\"note-text\"]')")

    # An open note form with nothing typed yet: an update leaves it, and the focus in it.
    note.focus()
    admin.note(case_id, "物业已到场")
    expect(page.locator('[data-role="notes"] li')).to_have_count(31)
    expect(note).to_be_focused()
    note.type("已电话联系王阿姨，")

    # Reading the timeline further down while the case moves.
    page.evaluate("window.scrollTo(0, document.querySelector('[data-role=\"timeline\"]').offsetTop - 100)")
    before = page.evaluate("""() => {
        const node = document.elementFromPoint(300, 300).closest('li');
        window.anchor = node;
        return node.getBoundingClientRect().top;
    }""")
    assert admin.act("case.accept", id=case_id)["status"] == "applied"
    assert admin.act("case.dispatch", id=case_id, team="BL-DY")["status"] == "applied"
    admin.note(case_id, "已派先锋队")
    expect(page.locator('[data-role="case-status"]')).to_have_text("已派遣")
    expect(page.locator('[data-role="notes"] li')).to_have_count(32)
    expect(page.locator('[data-role="timeline"] li[data-event-type="case.dispatch"]')).to_have_count(1)
    # The same text field, with what was typed, still focused; the page where it was.
    assert page.evaluate("window.noteField === document.querySelector('[data-role=\"note-text\"]')")
    assert page.evaluate("document.activeElement === window.noteField")
    expect(note).to_have_value("已电话联系王阿姨，")
    assert page.evaluate("window.anchor.isConnected")
    after = page.evaluate("window.anchor.getBoundingClientRect().top")
    assert abs(after - before) <= 1, (before, after)
    # The case moved under the dispatcher's hands: a banner says who moved it where.
    expect(page.locator('[data-role="changed-banner"]')).to_contain_text("系统管理员 刚把本案改为“已派遣”")

    # The note goes out as the dispatcher's, and arrives in the list with their name.
    note.type("她已退烧")
    page.locator('[data-action="submit-note"]').click()
    expect(note).to_have_value("")
    mine = page.locator('[data-role="notes"] li').filter(has_text="已电话联系王阿姨，她已退烧")
    expect(mine).to_contain_text("街道指挥中心调度员", timeout=10_000)
    assert not errors, errors


def test_a_button_being_pressed_is_not_taken_away(server: RunningServer, browser: Browser, admin: Desk) -> None:
    case_id, _ = push_report(server)
    page, errors = open_case(browser, server, case_id)
    accept = page.locator('[data-action="accept"]')
    box = accept.bounding_box()
    assert box is not None
    page.evaluate("window.acceptButton = document.querySelector('[data-action=\"accept\"]')")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # While the dispatcher's finger is on 受理, the admin accepts at another desk: the page learns of it.
    assert admin.act("case.accept", id=case_id)["status"] == "applied"
    expect(page.locator('[data-role="case-status"]')).to_have_text("已受理")
    expect(accept).to_have_attribute("aria-disabled", "true")
    # Nothing moves under the finger: the buttons the new status opens wait until it lifts.
    assert page.evaluate("window.acceptButton.isConnected")
    assert accept.bounding_box() == box
    expect(page.locator('[data-action="dispatch"]')).to_have_count(0)
    page.mouse.up()
    # The press lands on the same button, which says why it does nothing now; then the new buttons come.
    expect(page.locator('[data-role="toast"]')).to_contain_text("“受理”已不可用：本案现在是“已受理”")
    expect(page.locator('[data-action="dispatch"]')).to_be_visible()
    # Once the person has let go and moved on, the stale button goes.
    page.locator('[data-action="back"]').focus()
    admin.note(case_id, "已核实")
    expect(page.locator('[data-role="notes"] li')).to_have_count(1)
    expect(accept).to_have_count(0)
    assert not errors, errors


def test_an_open_action_dialog_keeps_its_text_and_learns_the_case_moved(server: RunningServer, browser: Browser,
                                                                       admin: Desk) -> None:
    case_id, number = push_report(server)
    page, errors = open_case(browser, server, case_id)
    page.keyboard.press("r")
    reason = page.locator("#action-reason")
    expect(reason).to_be_focused()
    reason.type("与 BL 前一件重复")
    assert admin.act("case.accept", id=case_id)["status"] == "applied"
    assert admin.act("case.dispatch", id=case_id, team="BL-DY")["status"] == "applied"
    expect(page.locator('[data-role="case-status"]')).to_have_text("已派遣")
    dialog = page.locator('dialog[open]')
    expect(dialog.locator('[data-role="dialog-notice"]')).to_contain_text("系统管理员 刚把本案改为“已派遣”")
    expect(dialog.locator('[data-role="dialog-notice"]')).to_contain_text("您填写的内容已保留")
    expect(reason).to_have_value("与 BL 前一件重复")
    expect(reason).to_be_focused()
    # Sent anyway, it reaches the server, which keeps it as a conflict, shown in words.
    page.locator('[data-action="confirm"]').click()
    conflict = page.locator('[data-role="timeline"] li[data-conflict="true"]')
    expect(conflict).to_contain_text("“不予受理”未生效：当时案件已是“已派遣”", timeout=10_000)
    expect(page.locator('[data-role="case-status"]')).to_have_text("已派遣")
    assert number and not errors, errors
