"""A deck by id or slug, inside a caller's session: missing is a 404, not ready is a 409."""

from __future__ import annotations

from sqlalchemy.orm import Session

from deckchat.core.deck import DeckStatus
from deckchat.core.errors import DeckchatError, DeckNotFound
from deckchat.store import decks as deck_rows
from deckchat.store.tables import DeckRow


def find(session: Session, ref: str) -> DeckRow:
    deck = deck_rows.find_deck(session, ref)
    if deck is None:
        raise DeckNotFound()
    return deck


def find_ready(session: Session, ref: str) -> DeckRow:
    """A deck that can be asked: ingested (its index is rebuilt on demand if missing)."""
    deck = find(session, ref)
    if deck.status != DeckStatus.READY:
        raise DeckchatError(
            f"The deck {deck.slug} is {deck.status}, not ready for questions yet.",
            code="deck_not_ready",
            status=409,
        )
    return deck
