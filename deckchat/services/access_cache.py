"""What every request of a deck site asks, remembered for a few seconds: who may see an image, and a
ready deck's view."""

from __future__ import annotations

from deckchat.core.access import DeckFacts
from deckchat.services.deck_access import facts_of
from deckchat.services.recent import Recent
from deckchat.services.views import DeckView
from deckchat.store import decks as deck_rows
from deckchat.store.changes import Changes
from deckchat.store.db import Database


class AccessCache:
    def __init__(self, db: Database, ttl_s: float, changes: Changes | None = None) -> None:
        self._db, self._changes = db, changes
        # Every slide image request asks who may see it. This process forgets the answer whenever it
        # changes a deck's access or stops showing images, and tells the processes sharing its
        # PostgreSQL database to forget too (store/changes.py); a change made where nobody listens
        # (SQLite, a listener reconnecting) shows within access_cache_s.
        self._image_decks: Recent[str, list[DeckFacts]] = Recent(ttl_s, 10_000)
        self.views: Recent[str, DeckView] = Recent(ttl_s, 1_000)

    def image_decks(self, digest: str) -> list[DeckFacts]:
        """Who may see an image: the access facts of every deck that shows it (none: no such image)."""
        cached = self._image_decks.get(digest)
        if cached is not None:
            return cached
        generation = self._image_decks.generation
        with self._db.read() as session:
            facts = [facts_of(row) for row in deck_rows.decks_showing(session, digest)]
        if facts:  # an image not shown yet may be a moment from being shown: never remember a miss
            self._image_decks.put(digest, facts, generation)
        return facts

    def recent_image_decks(self, digest: str) -> list[DeckFacts] | None:
        """What ``image_decks`` answered a moment ago, without the database; None when unknown."""
        return self._image_decks.get(digest)

    def forget(self) -> None:
        """Called on every change to a deck's access or to the images it shows, once committed."""
        self.forget_here()
        if self._changes is not None:
            self._changes.announce()

    def forget_here(self) -> None:
        """Forget, without telling anyone: another process made the change."""
        self._image_decks.clear()
        self.views.clear()
