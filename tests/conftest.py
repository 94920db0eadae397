"""Shared fixtures: a real server on a free port, and Chromium."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.support.server import RunningServer, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    """A real ``mashangban serve --demo`` on a free port with a fresh database."""
    running = start_server(tmp_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module, driven through Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch_options

    with sync_playwright() as p:
        b = p.chromium.launch(**launch_options())
        yield b
        b.close()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One real server shared by a module's tests (for browser tests whose cases don't interfere)."""
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    running.stop()
