"""What the store tests share: a migrated database of each kind, and a deck row to hang rows on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deckchat.store import decks
from deckchat.store.db import Database, migrate


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A fresh database at the newest schema (SQLite, and PostgreSQL under the pg marker)."""
    database = Database(db_url)
    migrate(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def deck_id(db: Database) -> str:
    """A queued deck's id: enough for the rows that belong to a deck (conversations, counts)."""
    with db.session() as session:
        new = decks.NewDeck("Quarterly review", "unlisted", "a" * 64, "review.pdf", "pdf", 1234)
        return decks.add_deck(session, new).id
