"""A new version of the app: it waits while someone is typing, offers "新版本可用，点此更新", and no queued
report is lost; with nothing typed it updates quietly."""
from __future__ import annotations

import shutil

import pytest

from server.assets import ROOT, AssetStore
from server.routes.sync_client import CLIENT_DIR
from tests.resident_browser import fill_report, new_phone, open_site, submit_and_get_token, wait_case, wait_offline_ready
from tests.support.databases import new_database, query
from tests.support.server import demo_app, serve

pytestmark = pytest.mark.browser


def test_update_waits_for_the_person_and_keeps_queued_reports(browser, tmp_path):
    pwa = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", pwa, ignore=shutil.ignore_patterns("tools"))
    client_dir = tmp_path / "client"
    shutil.copytree(CLIENT_DIR, client_dir)
    db = new_database(tmp_path, "server")
    app = demo_app(db)
    app.state.assets = AssetStore({"/pwa/": pwa, "/sync/client/": client_dir})
    css = pwa / "resident" / "app.css"

    with serve(app) as url:
        context = new_phone(browser)
        page = open_site(context, url)
        wait_offline_ready(page)
        # The server cannot be reached for syncing: the report stays queued through the update.
        context.route("**/api/sync/**", lambda route: route.abort())
        fill_report(page, description="更新前保存、尚未提交的诉求")
        token = submit_and_get_token(page)
        page.click("[data-action=another]")
        page.wait_for_selector("[data-action=category]")
        page.fill("[data-field=description]", "正在输入的文字")
        page.evaluate("() => { window.notReloaded = true; }")

        css.write_text(css.read_text(encoding="utf-8") + "\n.bar { letter-spacing: 0.01em; }\n", encoding="utf-8")
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        page.wait_for_selector("[data-action=update]", timeout=15_000)
        assert page.inner_text("[data-action=update]") == "新版本可用，点此更新"
        assert page.evaluate("() => window.notReloaded") is True
        assert page.input_value("[data-field=description]") == "正在输入的文字"
        assert page.get_attribute("[data-region=status]", "data-pending") == "1"

        with page.expect_navigation():
            page.click("[data-action=update]")
        page.wait_for_selector("[data-action=category]")
        served = page.evaluate("async () => (await fetch('/pwa/resident/app.css')).text()")
        assert "letter-spacing: 0.01em" in served
        assert page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('mashangban-static-')).length") == 1

        # Nothing typed now: the next version activates and reloads without asking.
        page.evaluate("() => { window.notReloaded = true; }")
        css.write_text(css.read_text(encoding="utf-8") + "\n.bar { word-spacing: 0.01em; }\n", encoding="utf-8")
        with page.expect_navigation(timeout=15_000):
            page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        page.wait_for_selector("[data-action=category]")
        assert page.evaluate("() => window.notReloaded") is None

        context.unroute("**/api/sync/**")
        page.reload()
        row = wait_case(db, token)
        assert row["description"] == "更新前保存、尚未提交的诉求"
        assert query(db, "SELECT COUNT(*) AS n FROM cases")[0]["n"] == 1
        context.close()
