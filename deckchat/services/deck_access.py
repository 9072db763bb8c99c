"""A deck's access facts as the access rules read them, and the password a visibility needs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from deckchat.core.access import DeckFacts
from deckchat.core.deck import Visibility
from deckchat.core.errors import InvalidInput
from deckchat.services.accounts import hash_password
from deckchat.services.views import DeckView
from deckchat.store.tables import DeckRow


def password_stamp(password_hash: str | None) -> str | None:
    """Changes with the password: a viewer's unlock names it, so a new password locks them out again."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16] if password_hash else None


def facts_of(deck: DeckRow | DeckView) -> DeckFacts:
    stamp = password_stamp(deck.password_hash) if isinstance(deck, DeckRow) else deck.password_stamp
    return DeckFacts(deck.id, deck.owner_id, Visibility(deck.visibility), as_utc(deck.expires_at), stamp)


def as_utc(when: datetime | None) -> datetime | None:
    """``when`` in UTC, a naive one read as UTC: SQLite hands back naive ones for what was stored in UTC.
    Stored as UTC because SQLite drops the offset and keeps the wall time (18:00+01:00 came back as
    18:00 UTC)."""
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def visibility_password(visibility: Visibility, password: str | None, current: str | None) -> str | None:
    """The password hash a deck keeps: a new password's, else the current one; the password
    visibility without any is refused."""
    if password is not None:
        return hash_password(password)
    if visibility == Visibility.PASSWORD and current is None:
        raise InvalidInput("A deck shown by password needs a password.", code="password_missing")
    return current
