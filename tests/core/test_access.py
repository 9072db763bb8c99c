"""The access policy on its own: who may view and manage a deck, for every visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deckchat.core.access import Client, DeckFacts, check_manage, check_signed_in, check_view
from deckchat.core.deck import Visibility
from deckchat.core.errors import DeckchatError

NOW = datetime(2026, 12, 1, tzinfo=UTC)
OWNER, OTHER = Client("u-owner"), Client("u-other")
ANONYMOUS = Client()


def deck(visibility: Visibility, *, expires: datetime | None = None, stamp: str | None = "s1") -> DeckFacts:
    return DeckFacts("d1", "u-owner", visibility, expires, stamp)


def code(check: object, client: Client, facts: DeckFacts) -> str | None:
    try:
        check(client, facts, NOW)  # type: ignore[operator]
    except DeckchatError as error:
        return f"{error.status} {error.code}"
    return None


@pytest.mark.parametrize(
    ("visibility", "anonymous", "other"),
    [
        (Visibility.PUBLIC, None, None),
        (Visibility.UNLISTED, None, None),
        (Visibility.PRIVATE, "404 deck_not_found", "404 deck_not_found"),
        (Visibility.PASSWORD, "401 password_required", "401 password_required"),
    ],
)
def test_viewing(visibility: Visibility, anonymous: str | None, other: str | None) -> None:
    facts = deck(visibility)
    assert code(check_view, ANONYMOUS, facts) == anonymous
    assert code(check_view, OTHER, facts) == other
    assert code(check_view, OWNER, facts) is None


def test_a_password_unlocks_until_it_changes() -> None:
    unlocked = Client(None, {"d1": "s1"})
    assert code(check_view, unlocked, deck(Visibility.PASSWORD)) is None
    assert code(check_view, unlocked, deck(Visibility.PASSWORD, stamp="s2")) == "401 password_required"
    assert code(check_view, Client(None, {"d2": "s1"}), deck(Visibility.PASSWORD)) == "401 password_required"
    # A password deck whose password vanished admits nobody but its owner, whatever a cookie says.
    assert code(check_view, Client(None, {"d1": ""}), deck(Visibility.PASSWORD, stamp=None)) is not None


def test_an_expired_link_stops_everyone_but_the_owner() -> None:
    past, future = NOW - timedelta(seconds=1), NOW + timedelta(days=1)
    # A stranger learns no more from an expired link than from an unknown one.
    assert code(check_view, ANONYMOUS, deck(Visibility.PUBLIC, expires=past)) == "404 deck_not_found"
    assert code(check_view, OTHER, deck(Visibility.PASSWORD, expires=past)) == "404 deck_not_found"
    assert code(check_view, ANONYMOUS, deck(Visibility.PUBLIC, expires=future)) is None
    assert code(check_view, OWNER, deck(Visibility.PUBLIC, expires=past)) is None
    assert code(check_view, ANONYMOUS, deck(Visibility.PRIVATE, expires=past)) == "404 deck_not_found"


def test_a_refusal_to_a_stranger_names_nothing() -> None:
    """The private deck's id must not be in its refusal: it would tell a slug holder that it exists."""
    past = NOW - timedelta(seconds=1)
    for facts in (deck(Visibility.PRIVATE), deck(Visibility.UNLISTED, expires=past)):
        with pytest.raises(DeckchatError) as refused:
            check_view(ANONYMOUS, facts, NOW)
        assert facts.id not in refused.value.message
        assert refused.value.message == "No such deck, or it is not shared with you."


@pytest.mark.parametrize("visibility", list(Visibility))
def test_managing_is_for_the_owner_alone(visibility: Visibility) -> None:
    facts = deck(visibility)
    assert code(check_manage, OWNER, facts) is None
    viewable = code(check_view, OTHER, facts) is None
    assert code(check_manage, OTHER, facts) == (
        "403 not_owner" if viewable else code(check_view, OTHER, facts)
    )
    assert code(check_manage, ANONYMOUS, facts) == (
        "401 sign_in_required" if viewable else code(check_view, ANONYMOUS, facts)
    )


def test_an_ownerless_deck_is_managed_by_nobody() -> None:
    facts = DeckFacts("d1", None, Visibility.PUBLIC, None, None)
    assert code(check_manage, OWNER, facts) == "403 not_owner"
    assert code(check_manage, ANONYMOUS, facts) == "401 sign_in_required"


def test_signed_in() -> None:
    assert check_signed_in(OWNER) == "u-owner"
    with pytest.raises(DeckchatError) as caught:
        check_signed_in(ANONYMOUS)
    assert (caught.value.status, caught.value.code) == (401, "sign_in_required")
