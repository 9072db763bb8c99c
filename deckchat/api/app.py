"""The app factory: one FastAPI app serving the API, slide images and the front end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from deckchat import __version__
from deckchat.api import errors
from deckchat.api.auth import route_rules
from deckchat.api.body_limit import BodyLimit
from deckchat.api.headers import ResponseHeaders
from deckchat.api.limits import GeneratorGate, RateLimits
from deckchat.api.media_cache import MediaCache
from deckchat.api.routes import access, analytics, chat, decks, media, site
from deckchat.bootstrap import Runtime, bootstrap
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import open_services
from deckchat.settings import Settings


def create_app(runtime: Runtime | None = None, *, run_jobs: bool = True) -> FastAPI:
    """Build the app for a started process (``bootstrap``; by default, one from the environment's
    settings). ``run_jobs=False`` leaves queued ingestion to another process (tests, read replicas)."""
    runtime = runtime or bootstrap(Settings())
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = open_services(settings)
        supervisor = Supervisor(settings, services.db, services.scratch) if run_jobs else None
        app.state.services, app.state.supervisor = services, supervisor
        app.state.accounts = Accounts(services.db)
        app.state.security, app.state.signing_key = settings.security, runtime.signing_key
        app.state.chat = services.chat
        app.state.rate_limits = RateLimits(settings.security)
        app.state.media_cache = MediaCache(settings.media_cache_mb * 1024 * 1024)
        app.state.generator_gate = GeneratorGate(
            settings.generator_concurrency, settings.generator_queue, settings.generator_wait_s
        )
        if supervisor:
            supervisor.start()
        # Another node's change to who may see what applies here at once (PostgreSQL only).
        services.changes.listen(services.access.forget_here)
        try:
            yield
        finally:
            if supervisor:
                supervisor.stop()
            services.close()

    app = FastAPI(title="deckchat", version=__version__, lifespan=lifespan)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_json_bytes)
    app.add_middleware(ResponseHeaders)
    app.include_router(media.router)  # first: most requests to a deck site are its slide images
    app.include_router(access.router)
    app.include_router(decks.router)
    app.include_router(chat.router)
    app.include_router(analytics.router)
    site.mount(app)
    _check_rules(app)
    return app


def _check_rules(app: FastAPI) -> None:
    """Refuse to build an app with a route that does not say who may call it."""
    for method, path, rule in route_rules(app):
        if rule is None:
            raise RuntimeError(f"{method} {path} declares no access rule (see api/auth.py)")
