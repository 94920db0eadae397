"""The Starlette application: routes from each module of ``server.routes``, storage opened in the lifespan."""
from __future__ import annotations

import asyncio
import secrets
from contextlib import asynccontextmanager
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from server import settings
from server.decodes import DecodeGate
from server.uploads import sweep_forever
from server.errors import EXCEPTION_HANDLERS
from server.auth.origin import OriginCheckMiddleware
from server.events import Hub
from server.events.feed import DirectFeed, Feed, LogFeed
from server.routes import (admin_reference, admin_sites, admin_users, auth, cases, events, field, health, hotline,
                           open311, photos, posters, pwa, qr, sites, staff_directory, staff_pages, static, stats, sync,
                           sync_client, track, uploads)
from server.security import SecurityHeadersMiddleware
from server.storage import Database, database
from server.storage.group_commit import GroupCommit


def _routes() -> list[BaseRoute]:
    # pwa before sync_client: both answer /sync/client/…, and pwa's answer is compressed with a strong ETag.
    return [*health.routes, *auth.routes, *sites.routes, *qr.routes, *posters.routes, *sync.routes, *events.routes,
            *static.routes, *photos.routes, *uploads.routes, *track.routes, *pwa.routes, *sync_client.routes,
            *staff_pages.routes, *field.routes, *staff_directory.routes, *admin_sites.routes, *admin_reference.routes,
            *admin_users.routes, *cases.routes, *stats.routes, *open311.routes, *hotline.routes]


def open_database(config: settings.Config) -> Database:
    """The database ``config.database_url`` names, not yet opened."""
    return database(config.database_url, synchronous=config.sqlite_synchronous, pool_size=config.pg_pool_size)


def create_app(config: settings.Config | None = None) -> Starlette:
    """Build the application; the database named by ``config.database_url`` is opened (and migrated) at start-up."""
    config = config or settings.load()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_database(config) as db, Hub(queue_max=config.sse_queue_max, ping_s=config.sse_ping_s) as hub:
            app.state.db = db
            app.state.writes = GroupCommit(db)
            app.state.hub = hub
            app.state.decodes = DecodeGate(config.media_max_decodes)
            app.state.finishing = {}
            # Several processes share a PostgreSQL database: each hub is fed from the log; one alone is fed directly.
            feed: Feed = await LogFeed(db, hub, page=config.sse_replay_page).start() if db.multi_process \
                else DirectFeed(hub)
            app.state.feed = feed
            stop = asyncio.Event()
            sweeper = asyncio.create_task(sweep_forever(app.state, stop))
            try:
                yield
            finally:
                stop.set()
                await sweeper
                await feed.close()

    app = Starlette(
        routes=_routes(),
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(OriginCheckMiddleware, base_url=config.base_url),
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.config = config
    # An empty key means a random one per start: sessions then end when the server restarts.
    app.state.secret_key = config.secret_key or secrets.token_urlsafe(32)
    return app
