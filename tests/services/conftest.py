"""What the service tests share: services on SQLite, and a ready deck made straight through the store.

The store's own tests run on SQLite and PostgreSQL alike; the tests that use ``sqlite_services`` check
a service's own rules, which do not depend on the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from deckchat.core.deck import Deck, DeckFormat, NotesDocument, NotesFormat, NotesSection, Slide
from deckchat.services.app_services import Services, open_services
from deckchat.services.indexing import build_index
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows


@pytest.fixture
def sqlite_services(home: Path) -> Iterator[Services]:
    services = open_services(Settings(home=home, llm="extractive"))
    yield services
    services.close()


def store_deck(
    services: Services,
    *texts: str,
    title: str = "Quarterly review",
    notes: Sequence[NotesSection] = (),
    ready: bool = True,
    index: bool = False,
    **fields: Any,
) -> str:
    """A deck with one slide per text, stored as ingestion would leave it (ready, unless not ``ready``),
    without converting or rendering anything; its images and source are small blobs of their own.

    ``fields`` are NewDeck's (visibility, owner_id, password_hash, expires_at, ...). Only with ``index``
    is its search index built (that loads the embedders: seconds)."""
    blobs = services.blobs
    source = blobs.put(f"source of {title}: {texts}".encode(), "pdf")
    notes_hash = blobs.put(f"notes of {title}: {notes}".encode(), "md")
    new = deck_rows.NewDeck(
        title=title,
        visibility=fields.pop("visibility", "unlisted"),
        source_hash=source,
        source_filename=f"{title}.pdf",
        source_format=DeckFormat.PDF,
        source_size=len(texts),
        notes=(deck_rows.NewNotes("notes.md", NotesFormat.MARKDOWN, notes_hash),) if notes else (),
        **fields,
    )
    slides = [
        Slide(
            n,
            f"Slide {n}",
            text,
            "",
            False,
            1600,
            900,
            image_hash=blobs.put(f"image of {title} {n}: {text}".encode(), "webp"),
            thumb_hash=blobs.put(f"thumbnail of {title} {n}: {text}".encode(), "webp"),
        )
        for n, text in enumerate(texts, 1)
    ]
    documents = [NotesDocument("notes.md", NotesFormat.MARKDOWN, notes_hash, tuple(notes))] if notes else []
    built = build_index(blobs, slides, documents) if index else None
    with services.db.session() as session:
        row = deck_rows.add_deck(session, new)
        if ready:
            ingested = Deck(title=title, format=DeckFormat.PDF, slides=slides, notes=documents)
            index_hash = built.blob_hash if built else "0" * 64  # no index: a question would rebuild it
            suggestions = built.suggestions if built else []
            deck_rows.save_ingested(
                session, row, ingested, keep_title=True, index_hash=index_hash, suggestions=suggestions
            )
        return row.id


@pytest.fixture
def stored_deck(sqlite_services: Services) -> Callable[..., str]:
    """``stored_deck(*texts, **options)``: ``store_deck`` into this test's ``sqlite_services``."""

    def make(*texts: str, **options: Any) -> str:
        return store_deck(sqlite_services, *texts, **options)

    return make
