"""Deck rows on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from deckchat.core.deck import Deck, DeckFormat, NotesDocument, NotesFormat, NotesSection, Slide
from deckchat.store import decks
from deckchat.store.db import Database, migrate


def _new(title: str = "Quarterly review", source: str = "a" * 64) -> decks.NewDeck:
    return decks.NewDeck(
        title=title,
        visibility="unlisted",
        source_hash=source,
        source_filename="review.pptx",
        source_format="pptx",
        source_size=1234,
        notes=(decks.NewNotes("notes.md", "md", "b" * 64),),
    )


def _ingested() -> Deck:
    slides = [
        Slide(
            n,
            f"Title {n}",
            f"text {n}",
            "notes" if n == 2 else "",
            n == 3,
            1600,
            900,
            image_hash=f"{n}" * 64,
            thumb_hash=f"{n + 3}" * 64,
        )
        for n in (1, 2, 3)
    ]
    notes = [
        NotesDocument(
            "notes.md", NotesFormat.MARKDOWN, "b" * 64, (NotesSection(("Intro", "Why"), "Because."),)
        )
    ]
    return Deck(title="Q3 review", format=DeckFormat.PPTX, slides=slides, notes=notes)


def test_add_find_fill_and_delete(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    with db.session() as session:
        row = decks.add_deck(session, _new())
        deck_id, slug = row.id, row.slug
    assert slug.startswith("quarterly-review-")
    with db.session() as session:
        row = decks.find_deck(session, slug)
        assert row is not None and row.id == deck_id
        assert decks.find_deck(session, deck_id) is row
        decks.save_ingested(
            session, row, _ingested(), keep_title=False, index_hash="c" * 64, suggestions=["Why?"]
        )
    with db.session() as session:
        row = decks.find_deck(session, deck_id)
        assert row is not None
        assert (row.status, row.title, row.slide_count) == ("ready", "Q3 review", 3)
        slides = decks.load_slides(session, deck_id)
        assert [(s.number, s.notes, s.ocr) for s in slides] == [
            (1, "", False),
            (2, "notes", False),
            (3, "", True),
        ]
        [doc] = decks.load_notes(session, deck_id)
        assert [(s.heading_path, s.text) for s in doc.sections] == [(["Intro", "Why"], "Because.")]
        assert decks.blob_in_use(session, "1" * 64)
        hashes = decks.delete_deck(session, row)
    assert {"a" * 64, "b" * 64, "1" * 64, "4" * 64} <= hashes
    with db.session() as session:
        assert decks.find_deck(session, deck_id) is None
        assert not decks.blob_in_use(session, "1" * 64)
        assert decks.load_slides(session, deck_id) == []
    db.dispose()


def test_reingesting_replaces_slides(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    with db.session() as session:
        row = decks.add_deck(session, _new())
        decks.save_ingested(session, row, _ingested(), keep_title=True, index_hash="c" * 64, suggestions=[])
    with db.session() as session:
        decks.save_ingested(session, row, _ingested(), keep_title=True, index_hash="c" * 64, suggestions=[])
        assert len(decks.load_slides(session, row.id)) == 3
        assert row.title == "Quarterly review"
    db.dispose()


def test_slugs_are_unique_and_readable(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    with db.session() as session:
        slugs = {decks.add_deck(session, _new("Ünïcode & Co: 2025!")).slug for _ in range(5)}
    assert len(slugs) == 5
    assert all(s.startswith("unicode-co-2025-") for s in slugs)
    db.dispose()
