"""What a dispatcher reads on a case page, in real Chromium against a real server: people by name, work done
offline marked with when it arrived, photos labelled 群众上传 / 处置前 / 处置后, a reopened case's complaint at the
top, and merge suggestions with an identical report first."""
from __future__ import annotations

import io
import re
import secrets
import time
import uuid
from typing import Callable

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from tests.console_support import Desk, desk, open_case  # noqa: F401  (desk: a fixture, found by name)
from tests.support.server import RunningServer

pytestmark = pytest.mark.browser
MINUTE_MS = 60_000


class Resident:
    """A resident's phone: its own client id, its reports and ratings, photos uploaded first."""

    def __init__(self, server: RunningServer) -> None:
        self.server, self.client_id, self.mid = server, secrets.token_hex(16), 0

    def push(self, name: str, at_ms: int | None = None, **args: object) -> dict[str, object]:
        self.mid += 1
        stamp = at_ms if at_ms is not None else int(time.time() * 1000)
        response = httpx.post(self.server.url + "/api/sync/push", timeout=10, json={
            "client_id": self.client_id,
            "mutations": [{"mid": self.mid, "name": name, "args": args, "hlc": f"{stamp:013d}-0000"}]})
        assert response.status_code == 200, response.text
        return dict(response.json()["results"][0])

    def report(self, at_ms: int | None = None, **args: object) -> str:
        case_id = str(uuid.uuid4())
        result = self.push("case.create", at_ms=at_ms, id=case_id, track_token=secrets.token_hex(16), **args)
        assert result["status"] == "applied", result
        return case_id

    def upload(self) -> str:
        response = httpx.post(self.server.url + "/api/photos", content=jpeg(), timeout=10,
                              headers={"Content-Type": "image/jpeg", "X-Client-Id": self.client_id})
        assert response.status_code == 201, response.text
        return str(response.json()["photo_id"])


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def staff_upload(desk: Desk) -> str:
    response = desk.http.post("/api/photos", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 201, response.text
    return str(response.json()["photo_id"])


def test_people_by_name_offline_work_marked_and_photos_labelled(server: RunningServer, browser: Browser,
                                                                desk: Callable[[str], Desk]) -> None:
    now = int(time.time() * 1000)
    resident = Resident(server)
    reported = resident.upload()
    # Reported from a basement ten minutes ago; the phone found signal only now.
    case_id = resident.report(at_ms=now - 10 * MINUTE_MS, site="BL-TX-002", category="help",
                              description="独居老人摔倒，需要帮忙", photos=[reported])
    dispatcher, field = desk("dispatcher"), desk("field2")
    li_qiang = dispatcher.user_id("field2")
    dispatcher.act("case.accept", id=case_id)
    dispatcher.act("case.dispatch", id=case_id, team="BL-DY", assignee=li_qiang)
    before, after = staff_upload(field), staff_upload(field)
    assert field.act("case.start", id=case_id)["status"] == "applied"
    assert field.act("case.photo", id=case_id, photo_id=before)["status"] == "applied"
    assert field.note(case_id, "已送老人去社区医院")["status"] == "applied"
    assert field.act("case.resolve", id=case_id, text="已处理", photos=[after])["status"] == "applied"
    page, errors = open_case(browser, server, case_id)
    timeline = page.locator('[data-role="timeline"]')
    dispatch = timeline.locator('li[data-event-type="case.dispatch"]')
    expect(dispatch).to_contain_text("街道指挥中心调度员（调度员）")
    expect(dispatch).to_contain_text("党员先锋队 李强")
    expect(dispatch).not_to_contain_text(f"#{li_qiang}")
    expect(timeline).not_to_contain_text("field2")
    expect(timeline.locator('li[data-event-type="case.start"]')).to_contain_text("党员先锋队 李强（网格员/外勤）")
    expect(page.locator('[data-role="notes"] li')).to_contain_text("党员先锋队 李强：已送老人去社区医院")
    # The report was made offline: it says so, with the time it arrived; the rest was done online.
    create = timeline.locator('li[data-event-type="case.create"]')
    expect(create.locator('[data-role="synced-later"]')).to_have_text(re.compile(r"离线操作，\d\d:\d\d 同步$"))
    expect(timeline.locator('[data-role="synced-later"]')).to_have_count(1)
    # Photos by who took them and when.
    stages = page.locator('[data-role="photos"] li')
    expect(stages).to_have_count(3)
    expect(page.locator('[data-role="photos"] li[data-stage="resident"]')).to_contain_text("群众上传")
    expect(page.locator('[data-role="photos"] li[data-stage="before"]')).to_contain_text("处置前")
    expect(page.locator('[data-role="photos"] li[data-stage="after"]')).to_contain_text("处置后")
    expect(page.locator('[data-role="photos"] li[data-stage="after"] button')).to_have_attribute("aria-label", "查看大图：照片 3（处置后）")
    assert not errors, errors


def test_a_reopened_case_shows_the_complaint_at_the_top(server: RunningServer, browser: Browser,
                                                        desk: Callable[[str], Desk]) -> None:
    resident = Resident(server)
    case_id = resident.report(site="BL-TX-002", category="env", description="楼道垃圾堆积")
    dispatcher, field = desk("dispatcher"), desk("field1")
    dispatcher.act("case.accept", id=case_id)
    dispatcher.act("case.dispatch", id=case_id, team="TX-WG")
    field.act("case.resolve", id=case_id, text="已清运")
    assert resident.push("case.rate", id=case_id, rating="unsatisfied", comment="只清了一半，角落还有")["status"] == "applied"
    page, errors = open_case(browser, server, case_id)
    rework = page.locator('[data-role="rework"]')
    expect(rework).to_have_text("返工 1 次 群众不满意：只清了一半，角落还有")
    # At the top: before the actions and the facts.
    assert page.evaluate("""() => {
        const rework = document.querySelector('[data-role="rework"]');
        const toolbar = document.querySelector('[role="toolbar"]');
        return Boolean(rework.compareDocumentPosition(toolbar) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    expect(page.locator("dl")).not_to_contain_text("⚠")
    assert not errors, errors


def test_merge_suggestions_put_the_identical_report_first(server: RunningServer, browser: Browser) -> None:
    resident = Resident(server)
    same_site = resident.report(site="BL-TX-002", category="facility",
                                description="3 号楼路灯坏了，晚上很黑")
    other = Resident(server)
    identical = other.report(site="BL-TX-003", category="env", description="3号楼门口路灯不亮了！")
    unrelated = other.report(site="BL-TX-004", category="noise", description="夜里施工太吵")
    case_id = Resident(server).report(site="BL-TX-002", category="facility", description="3 号楼门口 路灯不亮了")
    page, errors = open_case(browser, server, case_id)
    page.keyboard.press("m")
    candidates = page.locator('[data-role="candidates"] li')
    expect(candidates).to_have_count(3)
    ids = [candidates.nth(i).get_attribute("data-candidate") for i in range(3)]
    assert ids == [identical, same_site, unrelated]
    expect(candidates.first.locator('[data-role="reasons"]')).to_contain_text("内容完全相同")
    expect(candidates.nth(1).locator('[data-role="reasons"]')).to_have_text(re.compile(r"^同一站点 · 同一类别 · 相隔不到 1 分钟 · 内容相似 \d+%$"))
    # Keyboard: the first suggestion has the focus; choosing it and confirming merges.
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="case-status"]')).to_have_text("已合并", timeout=10_000)
    assert not errors, errors
