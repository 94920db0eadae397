"""Event streams over a real server: an address holds only so many open, and a staff stream ends with its sign-in
(signed out, device revoked, user disabled, or — caught by the periodic check — changed behind the server's back)."""
from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest

from server import settings
from server.storage import users
from tests.support.clients import SyncClient
from tests.support.databases import new_database
from tests.support.live import PASSWORD, LiveApp, start_demo
from tests.support.sse import Stream, open_stream


def start(tmp_path: Path, **overrides: Any) -> LiveApp:
    return start_demo(settings.load({}, database_url=new_database(tmp_path, "streams"), **overrides))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    # A check every hour: a stream that ends within seconds was ended by the revocation itself.
    running = start(tmp_path, sse_track_streams_per_address=3, sse_staff_streams_per_address=2,
                    sse_sign_in_check_s=3600)
    yield running
    running.stop()


@contextlib.asynccontextmanager
async def client(live: LiveApp, username: str | None = None, device: bool = False
                 ) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, headers={"Origin": live.url}, timeout=10) as http:
        if username is not None:
            r = await http.post("/api/auth/login", json={"username": username, "password": PASSWORD,
                                                         "device": device})
            assert r.status_code == 200, r.text
            if device:
                http.cookies.clear()
                http.headers["Authorization"] = f"Bearer {r.json()['device_token']}"
        yield http


async def refused(http: httpx.AsyncClient, path: str) -> httpx.Response:
    async with http.stream("GET", path) as response:
        await response.aread()
    return response


async def ends(stream: Stream, within_s: float = 5) -> bool:
    """Whether the stream ends (the server closes it) within ``within_s`` seconds; events and pings are skipped."""
    try:
        async with asyncio.timeout(within_s):
            while True:
                await stream.next(timeout=within_s)
    except EOFError:
        return True
    except TimeoutError:
        return False


async def test_an_address_holds_only_so_many_tracking_streams(live: LiveApp) -> None:
    async with client(live) as http:
        case = await SyncClient(http).report()
        path = f"/api/track/{case.track_token}/events"
        async with contextlib.AsyncExitStack() as streams:
            for _ in range(3):
                await streams.enter_async_context(open_stream(http, path))
            over = await refused(http, path)
            assert over.status_code == 429 and over.json()["error"] == "too_many_streams"
            assert "实时连接" in over.json()["message"] and over.headers["retry-after"]
            # Staff streams are counted apart.
            async with client(live, "dispatcher") as desk, open_stream(desk, "/api/events"):
                pass
        # Closed streams give their places back.
        async with open_stream(http, path), open_stream(http, path), open_stream(http, path):
            pass


async def test_an_address_holds_only_so_many_staff_streams(live: LiveApp) -> None:
    async with client(live, "dispatcher") as desk:
        async with open_stream(desk, "/api/events"), open_stream(desk, "/api/events"):
            assert (await refused(desk, "/api/events")).status_code == 429


async def test_signing_out_ends_the_stream_at_once(live: LiveApp) -> None:
    async with client(live, "dispatcher") as desk, client(live, "dispatcher") as other_desk:
        async with open_stream(desk, "/api/events") as mine, open_stream(other_desk, "/api/events") as theirs:
            assert (await desk.post("/api/auth/logout")).status_code == 200
            assert await ends(mine)
            assert not await ends(theirs, within_s=1)  # another sign-in of the same user is left alone


async def test_revoking_a_device_ends_its_stream(live: LiveApp) -> None:
    async with client(live, "field1", device=True) as phone:
        async with open_stream(phone, "/api/events") as stream:
            assert (await phone.post("/api/auth/logout")).status_code == 200
            assert await ends(stream)


async def test_disabling_a_user_or_resetting_their_password_ends_their_streams(live: LiveApp) -> None:
    async with client(live, "admin") as admin:
        async with client(live, "field1") as phone, open_stream(phone, "/api/events") as stream:
            assert (await admin.patch("/api/admin/users/field1", json={"active": False})).status_code == 200
            assert await ends(stream)
        async with client(live, "field2") as phone, open_stream(phone, "/api/events") as stream:
            r = await admin.post("/api/admin/users/field2/password", json={"password": "Kapok-lane-318"})
            assert r.status_code == 200
            assert await ends(stream)


async def test_a_sign_in_ended_behind_the_servers_back_ends_its_stream_at_the_next_check(tmp_path: Path) -> None:
    live = start(tmp_path, sse_sign_in_check_s=1, sse_ping_s=1)
    try:
        async with client(live, "field1") as phone, client(live, "dispatcher") as desk:
            async with open_stream(phone, "/api/events") as disabled, open_stream(desk, "/api/events") as expired:
                async def behind_the_back() -> None:  # as `mashangban user disable` does from another process
                    async with live.app.state.db.write() as conn:
                        await users.set_active(conn, "field1", False)
                        await conn.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'"
                                           " WHERE user_id = (SELECT id FROM users WHERE username = 'dispatcher')")

                await live.call(behind_the_back())
                assert await ends(disabled) and await ends(expired)
    finally:
        live.stop()
