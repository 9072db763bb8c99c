"""Making a deck searchable: its index blob and suggested questions, at ingest or rebuilt later.

A stored index is rebuilt from the deck's stored slides and notes when it is missing (a deck ingested
before indexing existed) or was written by another index format or other embedders.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from deckchat.chat.suggest import suggested_questions
from deckchat.core.chunking import chunk_deck
from deckchat.core.deck import NotesDocument, Slide
from deckchat.index.deck_index import DeckIndex
from deckchat.store import decks as deck_rows
from deckchat.store.blobs import BlobStore
from deckchat.store.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuiltIndex:
    index: DeckIndex
    blob_hash: str
    suggestions: list[str]


def build_index(blobs: BlobStore, slides: Sequence[Slide], notes: Sequence[NotesDocument]) -> BuiltIndex:
    """Embed the deck's chunks and store the index as a content-addressed blob."""
    index = DeckIndex.build(chunk_deck(slides, notes))
    return BuiltIndex(index, blobs.put(index.to_bytes(), "npz"), suggested_questions(slides))


def rebuild_index(db: Database, blobs: BlobStore, deck_id: str) -> BuiltIndex:
    """Re-index a ready deck from its stored content and point the deck at the new index."""
    with db.session() as session:
        slides, notes = deck_rows.load_content(session, deck_id)
    built = build_index(blobs, slides, notes)
    with db.session() as session:
        deck = deck_rows.find_deck(session, deck_id)
        if deck is None:  # deleted meanwhile; the orphan blob is harmless and content-addressed
            return built
        old = deck.index_hash
        deck_rows.set_index(session, deck, built.blob_hash, built.suggestions)
    if old and old != built.blob_hash:
        with db.session() as session:
            unused = not deck_rows.blob_in_use(session, old)
        if unused:
            blobs.delete(old)
    log.info("rebuilt the search index of deck %s", deck_id)
    return built
