"""Add the demo deck to the library once; later starts find it by title and leave it alone."""

from __future__ import annotations

from deckchat.core.deck import DeckStatus, Visibility
from deckchat.demo.build import DEMO_TITLE, build_demo
from deckchat.ingest.validate import SourceFile
from deckchat.jobs.execute import run_job
from deckchat.services.library import Library
from deckchat.store.jobs import owner_id


def ensure_demo(lib: Library, owner_account: str) -> str:
    """The demo deck's URL, ingesting it first (owned by ``owner_account``) if the library lacks a ready
    copy."""
    ready = [d for d in lib.decks() if d.title == DEMO_TITLE and d.status == DeckStatus.READY]
    if ready:
        return ready[0].url
    with lib.scratch("demo-") as folder:
        deck, notes = build_demo(folder)
        owner = owner_id()
        deck_id, job_id = lib.add(
            SourceFile(deck, deck.name),
            [SourceFile(notes, notes.name)],
            title=DEMO_TITLE,
            visibility=Visibility.PUBLIC,
            owner_id=owner_account,
            worker=owner,
        )
        run_job(lib, job_id, owner)
    view = lib.get(deck_id)
    if view.error:
        raise RuntimeError(f"demo deck failed to ingest: {view.error.message}")
    return view.url
