"""The upload quota on a real database: a presenter's decks and bytes, counted from their rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.ingest.validate import SourceFile
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services
from deckchat.services.quota import Quota
from tests.ingest.hostile import pages_pdf


def test_a_presenter_at_the_deck_or_byte_limit_is_refused(services: Services, tmp_path: Path) -> None:
    owner = Accounts(services.db).add_user("ada@example.com", "correct horse").id
    deck = pages_pdf(tmp_path, 1)
    size = deck.stat().st_size
    quota = Quota(services.db, max_decks=1, max_bytes=2 * size)
    quota.check(owner, size, new_deck=True)  # nothing stored yet

    services.decks.add(SourceFile(deck, deck.name), owner_id=owner)

    with pytest.raises(DeckchatError) as decks:
        quota.check(owner, size, new_deck=True)
    assert (decks.value.status, decks.value.code) == (403, "quota_exceeded")
    assert "1 decks" in decks.value.message
    quota.check(owner, size, new_deck=False)  # a new version of it still fits in the bytes
    with pytest.raises(DeckchatError) as size_over:
        quota.check(owner, size + 1, new_deck=False)
    assert size_over.value.code == "quota_exceeded" and "delete a deck first" in size_over.value.message
    Quota(services.db, max_decks=1, max_bytes=size).check("someone-else", size, new_deck=True)
