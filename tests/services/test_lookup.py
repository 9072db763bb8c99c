"""A deck by id or slug inside the caller's session: missing is a 404, not ready is a 409."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.services.app_services import Services
from deckchat.services.lookup import find, find_ready


def test_a_deck_is_found_by_id_or_slug_and_a_missing_one_is_a_404(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Revenue grew.")
    with sqlite_services.db.read() as session:
        slug = find(session, deck_id).slug
        assert find(session, slug).id == find_ready(session, slug).id == deck_id
        with pytest.raises(DeckchatError) as missing:
            find(session, "no-such-deck")
    assert (missing.value.status, missing.value.code) == (404, "deck_not_found")
    assert "no-such-deck" not in missing.value.message  # names nothing the caller may not know of


def test_a_deck_still_being_ingested_cannot_be_asked(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Revenue grew.", ready=False)
    with sqlite_services.db.read() as session:
        slug = find(session, deck_id).slug
        with pytest.raises(DeckchatError) as not_ready:
            find_ready(session, deck_id)
    assert (not_ready.value.status, not_ready.value.code) == (409, "deck_not_ready")
    assert slug in not_ready.value.message and "queued" in not_ready.value.message
