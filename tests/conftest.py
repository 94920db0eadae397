"""Shared fixtures: a real server on a free port, Chromium, and each test's own database on either backend."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.support import databases
from tests.support.server import RunningServer, start_server


@pytest.fixture(autouse=True, scope="session")
def _drop_module_databases() -> Iterator[None]:
    yield
    databases.drop_databases(list(databases.created))


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """On the PostgreSQL pass, drop the databases a test made once it ends (its servers have stopped by then)."""
    before = set(databases.created)
    yield
    databases.drop_databases([name for name in databases.created if name not in before])


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
