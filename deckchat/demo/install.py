"""Add the demo deck to the library once; later starts find it by title and leave it alone."""

from __future__ import annotations

from deckchat.core.deck import DeckStatus, Visibility
from deckchat.demo.build import DEMO_TITLE, build_demo
from deckchat.jobs.in_process import ingest_now
from deckchat.services.app_services import Services


def ensure_demo(services: Services, owner_account: str) -> str:
    """The demo deck's URL, ingesting it first (owned by ``owner_account``) if the library lacks a ready
    copy."""
    ready = [d for d in services.decks.decks() if d.title == DEMO_TITLE and d.status == DeckStatus.READY]
    if ready:
        return ready[0].url
    with services.scratch.folder("demo-") as folder:
        deck, notes = build_demo(folder)
        deck_id = ingest_now(
            services, deck, [notes], title=DEMO_TITLE, visibility=Visibility.PUBLIC, owner_id=owner_account
        )
    return services.decks.get(deck_id).url
