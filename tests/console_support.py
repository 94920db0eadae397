"""Helpers for the console's browser tests: other people acting on cases through the real server's sync API
while a dispatcher watches in Chromium, and the page facts those tests read."""
from __future__ import annotations

import secrets
import time
import uuid
from typing import Any, Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.support.server import RunningServer

PASSWORD = "demo1234"


class Desk:
    """A member of staff acting from their own device: signed in by session, with its own sync client id and
    queue, pushing one mutation at a time the way the console's outbox does."""

    def __init__(self, server: RunningServer, username: str) -> None:
        self.http = httpx.Client(base_url=server.url, headers={"Origin": server.url}, timeout=10)
        response = self.http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.client_id = secrets.token_hex(16)
        self.mid = 0

    def act(self, name: str, at_ms: int | None = None, **args: Any) -> dict[str, Any]:
        """Push mutation ``name``; ``at_ms`` is when the device recorded it (default now). Returns its result."""
        self.mid += 1
        stamp = at_ms if at_ms is not None else int(time.time() * 1000)
        body = {"client_id": self.client_id, "mutations": [
            {"mid": self.mid, "name": name, "args": args, "hlc": f"{stamp:013d}-0000"}]}
        response = self.http.post("/api/sync/push", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json()["results"][0])

    def note(self, case_id: str, text: str) -> dict[str, Any]:
        return self.act("case.note", id=case_id, note_id=str(uuid.uuid4()), text=text)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def user_id(self, username: str) -> int:
        staff = self.get("/api/staff")["staff"]
        return int(next(s["id"] for s in staff if s["username"] == username))

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def desk(server: RunningServer) -> Iterator[Callable[[str], Desk]]:
    """``desk("admin")``: a :class:`Desk` signed in as that user on the test's server, closed after the test.
    Import it by name in a test module: ``from tests.console_support import desk  # noqa: F401``."""
    opened: list[Desk] = []

    def make(username: str) -> Desk:
        opened.append(Desk(server, username))
        return opened[-1]

    yield make
    for d in opened:
        d.close()


def open_case(browser: Browser, server: RunningServer, case_id: str, height: int = 900) -> tuple[Page, list[str]]:
    """A dispatcher signed in, on case ``case_id``'s page once its timeline shows; returns the page and the list
    that collects its script errors."""
    from tests.test_console_browser import sign_in

    page = browser.new_context(viewport={"width": 1280, "height": height}).new_page()
    errors = sign_in(page, server, "dispatcher")
    page.wait_for_url("**/console/**")
    page.locator('[data-role="board"]').wait_for()
    page.goto(f"{server.url}/console/#/case/{case_id}")
    page.locator('[data-role="timeline"] li').first.wait_for()
    return page, errors
