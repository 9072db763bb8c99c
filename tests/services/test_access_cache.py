"""Who may see an image, remembered until this process changes a deck's access; misses never kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete

from deckchat.core.deck import Visibility
from deckchat.services.access_cache import AccessCache
from deckchat.services.app_services import Services
from deckchat.store import decks as deck_rows
from deckchat.store.tables import SlideRow


@pytest.fixture
def cache(sqlite_services: Services) -> AccessCache:
    return AccessCache(sqlite_services.db, 60.0)


def _image(services: Services, deck_id: str) -> str:
    with services.db.read() as session:
        return deck_rows.load_slides(session, deck_id)[0].image_hash


def _set_visibility(services: Services, deck_id: str, visibility: Visibility) -> None:
    with services.db.session() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None
        row.visibility = visibility


def test_an_image_answers_with_every_deck_that_shows_it(
    cache: AccessCache, sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    first = stored_deck("Shared slide", title="Talk")
    second = stored_deck("Shared slide", title="Talk", visibility="public")  # the same image, twice
    stored_deck("Other slide", title="Talk")
    facts = cache.image_decks(_image(sqlite_services, first))
    assert sorted((f.id, f.visibility) for f in facts) == sorted(
        [(first, Visibility.UNLISTED), (second, Visibility.PUBLIC)]
    )
    assert cache.image_decks("f" * 64) == []


def test_answers_are_kept_until_this_process_forgets_them(
    cache: AccessCache, sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Slide", title="Talk")
    image = _image(sqlite_services, deck_id)
    assert cache.recent_image_decks(image) is None
    [before] = cache.image_decks(image)
    _set_visibility(sqlite_services, deck_id, Visibility.PRIVATE)  # as another process would
    assert cache.image_decks(image) == [before] == cache.recent_image_decks(image)
    cache.views.put(deck_id, sqlite_services.decks.get(deck_id))
    cache.forget()
    assert cache.recent_image_decks(image) is None and cache.views.get(deck_id) is None
    assert [f.visibility for f in cache.image_decks(image)] == [Visibility.PRIVATE]


def test_an_image_not_shown_yet_is_asked_again(
    cache: AccessCache, sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    """A miss may be a moment from being shown (a version being stored): it is never remembered."""
    deck_id = stored_deck("Slide", title="Talk")
    image = _image(sqlite_services, deck_id)
    with sqlite_services.db.session() as session:
        slides, _notes = deck_rows.load_content(session, deck_id)
        session.execute(delete(SlideRow).where(SlideRow.deck_id == deck_id))
    assert cache.image_decks(image) == []
    with sqlite_services.db.session() as session:
        session.add_all(SlideRow.of(deck_id, slide) for slide in slides)
    assert [f.id for f in cache.image_decks(image)] == [deck_id]
