"""The resident app in Chromium against a real server: report with a photo, offline, bad input refused."""
from __future__ import annotations

import json
import pytest

from tests.resident_browser import (case_row, fill_report, has_gps, new_phone, open_site, stored_photo,
                                    submit_and_get_token, wait_case, wait_offline_ready, write_gps_jpeg)
from tests.resident_support import jpeg_with_gps, minimal_pdf
from tests.support.databases import query
from tests.support.server import RunningServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(module_server: RunningServer) -> RunningServer:
    return module_server


def test_report_with_photo_reaches_the_server_without_gps(browser, server, tmp_path):
    assert has_gps(jpeg_with_gps())
    context = new_phone(browser)
    page = open_site(context, server.url)
    assert page.inner_text("[data-site] h1") == "天鑫社区党群服务中心"
    fill_report(page, photos=[write_gps_jpeg(tmp_path)], name="王阿姨", phone="138 0013 8000")
    token = submit_and_get_token(page)
    page.wait_for_selector("[data-receipt=state]:text-matches('诉求编号：BL')", timeout=15_000)
    row = wait_case(server.db, token)
    assert row["site"] == "BL-TX-001" and row["category"] == "facility" and row["channel"] == "qr"
    assert row["description"] == "天鑫路 3 号路灯不亮"
    assert row["contact_name"] == "王阿姨" and row["contact_phone"] == "13800138000"
    photos = json.loads(row["photos"])
    assert len(photos) == 1
    jpeg = stored_photo(server.url, photos[0], token)
    assert not has_gps(jpeg) and b"TestPhone" not in jpeg
    from PIL import Image
    import io

    assert max(Image.open(io.BytesIO(jpeg)).size) <= 1600
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


def test_offline_report_survives_reload_and_is_sent_once(browser, server, tmp_path):
    context = new_phone(browser)
    page = open_site(context, server.url, "BL-LT-002")
    wait_offline_ready(page)
    context.set_offline(True)
    page.reload()  # the cached shell, site and categories: the app opens with no network
    page.wait_for_selector("[data-action=category]")
    assert page.inner_text("[data-site] h1") == "龙腾名苑"
    fill_report(page, category="hazard", description="地下车库有积水，电线裸露", photos=[write_gps_jpeg(tmp_path)])
    token = submit_and_get_token(page)
    assert page.inner_text("[data-receipt=state]") == "已保存，联网后自动提交"
    assert "当前离线" in page.inner_text("[data-region=status]")
    page.reload()  # still offline: the report, and its photo, live in IndexedDB
    page.goto(f"{server.url}/s/")
    page.wait_for_selector(f"[data-region=mine] a[href='/t/{token}']")
    page.wait_for_selector("[data-region=status][data-pending='1']")
    assert case_row(server.db, token) is None
    context.set_offline(False)
    row = wait_case(server.db, token)
    assert row["site"] == "BL-LT-002" and len(json.loads(row["photos"])) == 1
    page.wait_for_selector("[data-region=status][data-pending='0']", timeout=15_000)
    page.reload()
    page.wait_for_selector("[data-region=mine] [data-status=submitted]")
    assert query(server.db, "SELECT COUNT(*) AS n FROM cases WHERE track_token = ?", (token,))[0]["n"] == 1
    assert query(server.db, "SELECT COUNT(*) AS n FROM cases WHERE description = '地下车库有积水，电线裸露'")[0]["n"] == 1
    context.close()


def test_bad_input_is_refused_with_chinese_messages_and_nothing_is_queued(browser, server, tmp_path):
    context = new_phone(browser)
    page = open_site(context, server.url, "BL-BH-002")
    page.click("[data-action=submit]")
    assert page.inner_text("[data-error=category-error]") == "请选择问题类型"
    assert page.inner_text("[data-error=description-error]") == "请填写问题描述"
    page.click("[data-category=noise]")
    page.fill("[data-field=description]", "吵" * 5000)
    page.click("[data-action=submit]")
    assert page.inner_text("[data-error=description-error]") == "问题描述不能超过 2000 字"
    page.fill("[data-field=description]", "   ")
    page.click("[data-action=submit]")
    assert page.inner_text("[data-error=description-error]") == "请填写问题描述"
    pdf = tmp_path / "scan.jpg"
    pdf.write_bytes(minimal_pdf())
    page.set_input_files("[data-action=photo-input]", str(pdf))
    page.wait_for_selector("[data-error=photo-error]:text('文件不是图片，请选择照片')")
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + b"\0" * (25 * 1024 * 1024))
    page.set_input_files("[data-action=photo-input]", str(huge))
    page.wait_for_selector("[data-error=photo-error]:text('照片不能超过 20 MB')")
    assert page.locator("[data-region=photos] img").count() == 0
    page.fill("[data-field=description]", "晚上十点后广场舞音响太响")
    for phone, message in (("1380013800a", "电话号码只能包含数字"), ("12345", "请填写正确的手机号（11 位）或固定电话")):
        page.fill("[data-field=phone]", phone)
        page.click("[data-action=submit]")
        assert page.inner_text("[data-error=phone-error]") == message
        assert page.get_attribute("[data-field=phone]", "aria-invalid") == "true"
    assert page.locator("[data-view=receipt]").count() == 0
    outbox = page.evaluate("""async () => {
      // Opening a database that does not exist would create it empty: look first.
      const names = (await indexedDB.databases()).map((d) => d.name);
      if (!names.includes("mashangban-resident-app")) return 0;
      return new Promise((resolve) => {
      const open = indexedDB.open("mashangban-resident-app");
      open.onsuccess = () => {
        const tx = open.result.transaction(["reports", "mine"]);
        const a = tx.objectStore("reports").count(), b = tx.objectStore("mine").count();
        tx.oncomplete = () => {
          open.result.close();
          resolve(a.result + b.result);
        };
      };
    });
    }""")
    assert outbox == 0
    assert page.get_attribute("[data-region=status]", "data-pending") == "0"
    page.fill("[data-field=phone]", "0755-2661 2345")
    token = submit_and_get_token(page)
    assert wait_case(server.db, token)["contact_phone"] == "075526612345"
    context.close()


def test_unknown_site_code_gets_the_chinese_404(browser, server):
    context = new_phone(browser)
    page = context.new_page()
    response = page.goto(f"{server.url}/s/NO-SUCH-SITE")
    assert response is not None and response.status == 404
    assert "找不到该站点" in page.inner_text("h1")
    context.close()


def test_photo_upload_failures_hold_the_report_until_the_photo_is_in(browser, server, tmp_path):
    context = new_phone(browser)
    page = open_site(context, server.url, "BL-XH-002")
    failures = []

    def refuse(route):
        failures.append(route.request.url)
        route.fulfill(status=503, content_type="application/json", body='{"error":"unavailable","message":"繁忙"}')

    context.route("**/api/photos", refuse)
    fill_report(page, category="property", description="楼道灯坏了一个月", photos=[write_gps_jpeg(tmp_path)])
    token = submit_and_get_token(page)
    page.wait_for_timeout(3_000)
    assert len(failures) >= 2  # retried with backoff
    assert case_row(server.db, token) is None  # not sent without its photo
    assert page.inner_text("[data-receipt=state]") == "已保存，联网后自动提交"
    assert page.get_attribute("[data-region=status]", "data-pending") == "1"
    context.unroute("**/api/photos")
    row = wait_case(server.db, token, timeout=30)
    assert len(json.loads(row["photos"])) == 1
    assert query(server.db, "SELECT COUNT(*) AS n FROM photos")[0]["n"] >= 1
    context.close()
