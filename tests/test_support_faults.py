"""tests/support/faults.py does what the sync tests rely on: a failure never reaches the app, a dropped
reply does (and the client sees a broken connection), and requests in flight are counted."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.databases import new_database
from tests.support.faults import Faults
from tests.support.server import demo_app, serve


def test_planned_faults_are_used_up_in_order(tmp_path: Path) -> None:
    faults = Faults(demo_app(new_database(tmp_path)))
    with serve(faults) as url:
        faults.fail("/api/sites", times=1, status=503)
        faults.drop_reply("/api/sites", times=1)
        first = httpx.get(url + "/api/sites")
        assert first.status_code == 503 and first.json()["error"] == "internal"
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url + "/api/sites")
        assert httpx.get(url + "/api/sites").status_code == 200
        assert faults.calls["/api/sites"] == 3
