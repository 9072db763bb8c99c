"""The tables hold core's vocabulary: a slide row is core's Slide field for field, and the enum columns
read back as core's enums, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import StatementError

from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat, DeckStatus, Slide, Visibility
from deckchat.store import decks
from deckchat.store.db import Database, migrate
from deckchat.store.tables import DeckRow, SlideRow


def test_the_slides_table_has_a_column_for_every_field_of_a_slide() -> None:
    columns = {column.key for column in inspect(SlideRow).columns}
    assert {f.name for f in fields(Slide)} <= columns


def test_a_slide_round_trips_through_its_row(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    slide = Slide(2, "Title", "text", "notes", True, 1600, 900, image_hash="a" * 64, thumb_hash="b" * 64)
    with db.session() as session:
        deck = decks.add_deck(session, _new())
        session.add(SlideRow.of(deck.id, slide))
        deck_id = deck.id
    with db.read() as session:
        (row,) = decks.load_slides(session, deck_id)
        assert row.slide() == slide
    db.dispose()


def test_enum_columns_read_back_as_cores_enums_and_refuse_other_values(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    with db.session() as session:
        deck_id = decks.add_deck(session, _new()).id
    with db.read() as session:
        row = session.get_one(DeckRow, deck_id)
        assert (type(row.visibility), type(row.notes_mode), type(row.status)) == (
            Visibility,
            NotesMode,
            DeckStatus,
        )
        assert (row.visibility, row.notes_mode, row.source_format) == ("unlisted", "private", "pptx")
        # Stored as the plain value, so the column stays a VARCHAR that SQL and older rows agree with.
        stored = session.execute(text("SELECT visibility FROM decks WHERE id = :id"), {"id": deck_id})
        assert stored.scalar_one() == "unlisted"
        assert session.scalars(select(DeckRow.id).where(DeckRow.visibility == "unlisted")).all() == [deck_id]
    with pytest.raises(StatementError, match="'everyone' is not a valid Visibility"), db.session() as session:
        session.get_one(DeckRow, deck_id).visibility = "everyone"  # type: ignore[assignment]
    db.dispose()


def _new() -> decks.NewDeck:
    return decks.NewDeck(
        title="Quarterly review",
        visibility=Visibility.UNLISTED,
        source_hash="a" * 64,
        source_filename="review.pptx",
        source_format=DeckFormat.PPTX,
        source_size=1234,
    )
