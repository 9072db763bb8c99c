"""A deck's access facts, alike from its row and its view, and the password a visibility needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from deckchat.core.deck import Visibility
from deckchat.core.errors import DeckchatError
from deckchat.services.accounts import password_matches
from deckchat.services.app_services import Services
from deckchat.services.deck_access import as_utc, facts_of, password_stamp, visibility_password
from deckchat.store import decks as deck_rows


def test_times_come_back_in_utc_a_naive_one_read_as_utc() -> None:
    naive = datetime(2027, 1, 31, 18, 0)
    paris = datetime(2027, 1, 31, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    assert as_utc(naive) == datetime(2027, 1, 31, 18, 0, tzinfo=UTC)
    assert as_utc(paris) == datetime(2027, 1, 31, 17, 0, tzinfo=UTC) and as_utc(paris).tzinfo is UTC  # type: ignore[union-attr]
    assert as_utc(None) is None


def test_the_stamp_changes_with_the_password_and_reveals_no_hash() -> None:
    first, second = visibility_password(Visibility.PASSWORD, "correct horse", None), "$argon2id$other"
    assert first is not None and password_stamp(first) != password_stamp(second)
    assert password_stamp(first) == password_stamp(first) and len(password_stamp(first) or "") == 16
    assert (password_stamp(first) or "") not in first and password_stamp(None) is None


def test_a_new_password_is_hashed_the_current_one_kept_and_none_refused() -> None:
    hashed = visibility_password(Visibility.PUBLIC, "correct horse", None)
    assert hashed is not None and password_matches(hashed, "correct horse")
    assert visibility_password(Visibility.PASSWORD, None, hashed) == hashed
    assert visibility_password(Visibility.UNLISTED, None, None) is None
    with pytest.raises(DeckchatError) as missing:
        visibility_password(Visibility.PASSWORD, None, None)
    assert (missing.value.status, missing.value.code) == (422, "password_missing")


def test_a_deck_row_and_its_view_give_the_same_facts(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    expires = datetime(2027, 1, 31, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    password_hash = visibility_password(Visibility.PASSWORD, "correct horse", None)
    stored = as_utc(expires)  # as DeckService stores it: SQLite would keep 18:00 and drop the offset
    deck_id = stored_deck("Slide", visibility="password", password_hash=password_hash, expires_at=stored)
    with sqlite_services.db.read() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None
        from_row = facts_of(row)
    assert from_row == facts_of(sqlite_services.decks.get(deck_id))
    assert from_row.visibility == Visibility.PASSWORD and from_row.expires_at == expires
    assert from_row.password_stamp == password_stamp(password_hash)
