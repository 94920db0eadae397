"""The server from the CLI serves the demo; people get Chinese pages, the API gets JSON errors."""
from __future__ import annotations

import subprocess
import sys

import httpx

from tests.support.server import RunningServer


def test_server_started_from_cli_serves_the_demo(server: RunningServer) -> None:
    assert httpx.get(server.url + "/healthz").json()["status"] == "ok"
    sites = httpx.get(server.url + "/api/sites").json()["sites"]
    assert len(sites) >= 20 and {"code", "name", "kind", "community"} <= set(sites[0])
    one = httpx.get(server.url + "/api/sites/BL-TX-001").json()
    assert one["name"] == "天鑫社区党群服务中心" and one["address"]
    cats = httpx.get(server.url + "/api/categories").json()["categories"]
    assert len(cats) >= 11
    # /s/{code} is the resident app's one static shell: the app reads the code from the URL and asks the API.
    page = httpx.get(server.url + "/s/BL-TX-001")
    assert page.status_code == 200 and 'src="/pwa/resident/app.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_unknown_code_gets_the_chinese_404_page(server: RunningServer) -> None:
    for path in ("/s/NO-SUCH-SITE", "/qr/NO-SUCH-SITE.png", "/posters/NO-SUCH-SITE"):
        r = httpx.get(server.url + path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "找不到该站点" in r.text and "NO-SUCH-SITE" in r.text and "党群服务中心" in r.text


def test_retired_code_page_says_where_to_go_instead(server: RunningServer) -> None:
    cmd = [sys.executable, "-m", "server", "--db", server.db, "site", "retire", "BL-TX-002",
           "--replaced-by", "BL-TX-003"]
    assert subprocess.run(cmd, capture_output=True, env=server.env, timeout=60).returncode == 0
    r = httpx.get(server.url + "/s/BL-TX-002")
    assert r.status_code == 404 and "已经停用" in r.text and 'href="/s/BL-TX-003"' in r.text
    assert httpx.get(server.url + "/api/sites/BL-TX-002").status_code == 404
    assert "BL-TX-002" not in {s["code"] for s in httpx.get(server.url + "/api/sites").json()["sites"]}


def test_api_errors_are_json(server: RunningServer) -> None:
    r = httpx.get(server.url + "/api/sites/NOPE")
    assert r.status_code == 404 and r.json() == {"error": "site_not_found", "message": "找不到该站点，请核对二维码或站点编号"}
    r = httpx.get(server.url + "/api/no/such/thing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = httpx.delete(server.url + "/api/sites")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    r = httpx.get(server.url + "/posters", params={"community": "不存在社区"})
    assert r.status_code == 404 and "没有启用的站点" in r.text


def test_demo_rerun_on_existing_database_changes_nothing(server: RunningServer) -> None:
    from tests.support.databases import dump
    from tests.support.server import start_server

    server.stop()
    before = dump(server.db)
    again = start_server(server.log.parent, db=server.db)  # the same database, --demo again
    again.stop()
    assert "{'teams': 0, 'categories': 0, 'sites': 0, 'users': 0, 'hotline_categories': 0}" in again.log.read_text()
    assert dump(server.db) == before
