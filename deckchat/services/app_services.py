"""The composition root: every service of one process, built from the settings in one place.

The API's lifespan, the CLI, a job's worker process and the benchmarks open one ``Services``; the
pieces themselves get only what they use (the database, the blob store, a few settings)."""

from __future__ import annotations

from dataclasses import dataclass

from deckchat.services.access_cache import AccessCache
from deckchat.services.chat import ChatService
from deckchat.services.deck_content import DeckContent
from deckchat.services.deck_views import DeckViews
from deckchat.services.decks import DeckService
from deckchat.services.quota import Quota
from deckchat.services.scratch import Scratch
from deckchat.settings import Settings
from deckchat.store.blobs import BlobStore
from deckchat.store.changes import Changes
from deckchat.store.db import Database, migrate
from deckchat.store.storage import open_blob_store


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    db: Database
    blobs: BlobStore
    scratch: Scratch
    access: AccessCache
    changes: Changes
    decks: DeckService
    content: DeckContent
    chat: ChatService

    def close(self) -> None:
        self.changes.stop()
        self.db.dispose()


def open_services(settings: Settings, *, migrate_schema: bool = True) -> Services:
    db = Database(settings.db_url)
    if migrate_schema:
        migrate(db.engine)
    storage = settings.storage
    blobs = open_blob_store(
        storage.storage_url, storage.blob_dir, storage.blob_cache_dir, storage.blob_cache_bytes
    )
    changes = Changes(db, settings.db_url)
    access = AccessCache(db, settings.access_cache_s, changes)
    quota = Quota(db, max_decks=settings.max_decks_per_owner, max_bytes=settings.max_bytes_per_owner)
    decks = DeckService(
        db,
        blobs,
        views=DeckViews(settings.base_url),
        access=access,
        quota=quota,
        limits=settings.limits,
        job_lease_s=settings.job_lease_s,
    )
    return Services(
        settings=settings,
        db=db,
        blobs=blobs,
        scratch=Scratch(settings.work_dir),
        access=access,
        changes=changes,
        decks=decks,
        content=DeckContent(db, blobs),
        chat=ChatService(db, blobs, settings),
    )
