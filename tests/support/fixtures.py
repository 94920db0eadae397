"""Fixtures for tests of the browser modules; a test module imports the ones it uses by name::

    from tests.support.fixtures import harness_server, open_harness  # noqa: F401  (fixtures found by name)

``harness_server`` is the real demo app plus the test harness pages (see ``harness.py``), one per module,
under uvicorn on a free port. Each test then takes a fresh ``browser.new_context()`` (``browser`` comes from
``tests/conftest.py``) so that IndexedDB starts empty.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.support.databases import new_database
from tests.support.harness import HARNESS_URL, with_harness
from tests.support.server import demo_app, serve


@pytest.fixture(scope="module")
def harness_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = new_database(tmp_path_factory.mktemp("db"), "harness")
    with serve(with_harness(demo_app(db))) as url:
        yield url


def open_harness(context: BrowserContext, base_url: str) -> Page:
    """A new page on the harness, once its modules have loaded; fails on any error in the page."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + HARNESS_URL)
    page.wait_for_selector("html[data-harness=ready]", state="attached", timeout=10_000)
    assert not errors, errors
    return page
