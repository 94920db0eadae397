"""Statistics and administration in the console, in real Chromium against a real server: the default chart
draws data, not a row of "—"; admin pages name teams, offer communities from a list, give every column a
header, and confirm in the console's own dialog (never the browser's confirm())."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.server import RunningServer
from tests.test_console_browser import push_report, sign_in

pytestmark = pytest.mark.browser


def admin_page(browser: Browser, server: RunningServer) -> tuple[Page, list[str]]:
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    errors = sign_in(page, server, "admin")
    page.wait_for_url("**/console/**")
    page.locator('[data-role="board"]').wait_for()
    # The browser's own confirm() would fail the test: the console must ask with its own dialog.
    page.on("dialog", lambda dialog: errors.append(f"native {dialog.type}: {dialog.message}"))
    return page, errors


def headless_columns(page: Page) -> list[str]:
    """Cells whose column header does not say what they hold: every field's label names its column's header,
    and buttons sit under "操作"."""
    return list(page.evaluate("""() => {
        const wrong = [];
        for (const table of document.querySelectorAll("table")) {
            const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
            for (const row of table.querySelectorAll("tbody tr")) {
                [...row.cells].forEach((cell, i) => {
                    const head = heads[i] ?? "";
                    for (const control of cell.querySelectorAll("input:not([type=hidden]), select")) {
                        if (!(control.getAttribute("aria-label") ?? "").includes(head)) wrong.push(`${head}: ${control.name}`);
                    }
                    if (cell.querySelector("button") && head !== "操作") wrong.push(`${head}: buttons`);
                });
            }
        }
        return wrong;
    }"""))


def test_the_default_chart_draws_data(server: RunningServer, browser: Browser) -> None:
    # New reports: nothing is resolved yet, so the on-time resolution rate has no value anywhere.
    for site in ("BL-TX-002", "BL-TX-002", "BL-LT-002"):
        push_report(server, site=site, category="env")
    page, errors = admin_page(browser, server)
    page.goto(server.url + "/console/#/stats")
    chart = page.locator('[data-chart="compare"]')
    chart.wait_for()
    bars = chart.locator("g[data-group]")
    expect(bars).to_have_count(2)
    assert "—" not in str(chart.text_content())
    expect(page.locator("figcaption").nth(1)).to_have_text("案件数：按社区比较")
    expect(chart.locator('g[data-group="天鑫社区"]')).to_contain_text("2")
    # A measure the person chooses is shown as chosen, even without data.
    page.locator('select[name="metric"]').select_option("resolution_ontime_rate")
    page.locator('form[data-action="stats-filter"] button[type="submit"]').click()
    expect(page.locator("figcaption").nth(1)).to_have_text("按期办结率：按社区比较")
    assert not errors, errors


def test_admin_pages_name_teams_offer_communities_head_every_column_and_confirm_in_the_app(
        server: RunningServer, browser: Browser) -> None:
    page, errors = admin_page(browser, server)
    page.goto(server.url + "/console/#/admin/sites")
    row = page.locator('[data-site="BL-TX-002"]')
    expect(row).to_contain_text("天鑫花园物业服务中心")  # its default team, by name
    expect(row).not_to_contain_text("TX-WY")
    assert headless_columns(page) == []
    # A new site's community is chosen from the list; a new community is a deliberate last choice.
    community = page.locator('form[data-action="add-site"] [data-role="community"]')
    options = community.locator("option").all_text_contents()
    assert options[0] == "请选择社区" and "天鑫社区" in options and options[-1] == "其他（新社区）"
    form = page.locator('form[data-action="add-site"]')
    form.locator('input[name="code"]').fill("BL-TX-009")
    form.locator('input[name="name"]').fill("天鑫新苑")
    community.select_option("天鑫社区")
    form.locator('button[type="submit"]').click()
    expect(page.locator('[data-site="BL-TX-009"]')).to_contain_text("天鑫社区")
    form = page.locator('form[data-action="add-site"]')
    form.locator('input[name="code"]').fill("BL-QH-001")
    form.locator('input[name="name"]').fill("青禾社区党群服务中心")
    form.locator('[data-role="community"]').select_option(label="其他（新社区）")
    new_name = form.locator('[data-role="new-community"]')
    expect(new_name).to_be_focused()
    new_name.fill("青禾社区")
    form.locator('button[type="submit"]').click()
    expect(page.locator('[data-site="BL-QH-001"]')).to_contain_text("青禾社区")
    # Retiring asks first, in the console's dialog; "cancel" keeps the site.
    page.locator('[data-site="BL-TX-004"] [data-action="retire-site"]').click()
    confirm = page.locator('dialog[data-role="confirm"]')
    expect(confirm).to_contain_text("停用站点 BL-TX-004？")
    page.keyboard.press("Enter")  # on "cancel", where the focus starts
    expect(confirm).to_have_count(0)
    expect(page.locator('[data-site="BL-TX-004"]')).to_have_attribute("data-active", "true")
    page.locator('[data-site="BL-TX-004"] [data-action="retire-site"]').click()
    page.locator('dialog[data-role="confirm"] [data-action="confirm"]').click()
    expect(page.locator('[data-site="BL-TX-004"]')).to_have_attribute("data-active", "false")
    # Users and teams: team names, and the new community is offered to teams too.
    for tab, hook in (("categories", "[data-category]"), ("teams", "[data-team]"), ("users", "[data-user]")):
        page.goto(f"{server.url}/console/#/admin/{tab}")
        page.locator(hook).first.wait_for()
        assert headless_columns(page) == [], tab
    page.goto(server.url + "/console/#/admin/users")
    expect(page.locator('[data-user="field1"]')).to_contain_text("天鑫社区网格工作站")
    expect(page.locator('[data-user="field1"]')).not_to_contain_text("TX-WG")
    page.goto(server.url + "/console/#/admin/teams")
    teams_community = page.locator('form[data-action="add-team"] [data-role="community"] option')
    expect(teams_community.filter(has_text="青禾社区")).to_have_count(1)
    assert not errors, errors
