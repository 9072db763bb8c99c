"""The app factory: one FastAPI app serving the API, slide images and the front end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from deckchat import __version__
from deckchat.api import errors
from deckchat.api.limits import ChatLimits, GeneratorGate
from deckchat.api.routes import analytics, chat, decks, media, site
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.chat import ChatService
from deckchat.services.library import Library
from deckchat.settings import Settings


def create_app(settings: Settings | None = None, *, run_jobs: bool = True) -> FastAPI:
    """Build the app. ``run_jobs=False`` leaves queued ingestion to another process (tests, read replicas)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        library = Library(settings)
        supervisor = Supervisor(library) if run_jobs else None
        app.state.library, app.state.supervisor = library, supervisor
        app.state.chat = ChatService(library)
        app.state.chat_limits = ChatLimits(settings)
        app.state.generator_gate = GeneratorGate(
            settings.generator_concurrency, settings.generator_queue, settings.generator_wait_s
        )
        if supervisor:
            supervisor.start()
        try:
            yield
        finally:
            if supervisor:
                supervisor.stop()
            library.close()

    app = FastAPI(title="deckchat", version=__version__, lifespan=lifespan)
    errors.install(app)
    app.include_router(decks.router)
    app.include_router(chat.router)
    app.include_router(analytics.router)
    app.include_router(media.router)
    site.mount(app)
    return app
