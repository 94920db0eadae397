"""Pytest fixtures for browser tests; a test module imports the ones it uses by name::

    from tests.support.fixtures import base_url, browser  # noqa: F401  (pytest finds fixtures by name)

``browser`` is one Chromium per test module; ``base_url`` is the real demo app (plus the test harness
pages) on a free port, one per module; each test takes a fresh ``browser.new_context()`` so IndexedDB
starts empty.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.support.browser import launch
from tests.support.harness import HARNESS_URL, with_harness
from tests.support.server import demo_app, serve


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright, tmp_path_factory.mktemp("browser-home"))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("db") / "mashangban.db"
    with serve(with_harness(demo_app(db))) as url:
        yield url


def open_harness(context: BrowserContext, base_url: str, query: str = "") -> Page:
    """A new page on the harness, once its modules have loaded; fails on any page error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + HARNESS_URL + query)
    page.wait_for_selector("html[data-harness=ready]", state="attached", timeout=10_000)
    assert not errors, errors
    return page

