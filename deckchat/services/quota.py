"""How many decks and bytes a presenter may keep."""

from __future__ import annotations

from deckchat.core.errors import DeckchatError
from deckchat.store.accounts import owner_usage
from deckchat.store.db import Database


class Quota:
    def __init__(self, db: Database, *, max_decks: int, max_bytes: int) -> None:
        self._db = db
        self.max_decks, self.max_bytes = max_decks, max_bytes

    def check(self, owner_id: str, size: int, *, new_deck: bool) -> None:
        """Refuse an upload of ``size`` bytes (a new deck, or a new version of one) over the quota."""
        with self._db.session() as session:
            count, used = owner_usage(session, owner_id)
        if new_deck and count >= self.max_decks:
            raise DeckchatError(
                f"You have {count} decks, the most this server allows; delete one to add another.",
                code="quota_exceeded",
                status=403,
            )
        if used + size > self.max_bytes:
            raise DeckchatError(
                f"This upload would bring your files to {(used + size) / 1e6:.0f} MB, over this server's "
                f"{self.max_bytes / 1e6:.0f} MB a presenter; delete a deck first.",
                code="quota_exceeded",
                status=403,
            )
