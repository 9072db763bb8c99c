"""The demo deck is ingested once; later starts find it and leave it alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.deck import DeckStatus, Visibility
from deckchat.demo.build import DEMO_TITLE
from deckchat.demo.install import ensure_demo
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import open_services
from deckchat.settings import Settings

pytestmark = pytest.mark.slow  # a real ingestion: LibreOffice converts the PPTX


def test_the_demo_is_added_once_public_and_owned_by_the_given_account(tmp_path: Path) -> None:
    services = open_services(Settings(home=tmp_path / "home"))
    try:
        owner = Accounts(services.db).local_owner().id
        url = ensure_demo(services, owner)
        [deck] = services.decks.decks()
        assert (deck.title, deck.status, deck.visibility) == (DEMO_TITLE, DeckStatus.READY, Visibility.PUBLIC)
        assert deck.owner_id == owner and deck.url == url and deck.slide_count == 6
        assert [d.filename for d in services.content.notes(deck.id)] == ["deckchat-demo-notes.md"]
        assert "WebP encoding" in services.content.slides(deck.id)[3].text
        assert ensure_demo(services, owner) == url and len(services.decks.decks()) == 1
    finally:
        services.close()
