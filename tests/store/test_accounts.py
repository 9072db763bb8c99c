"""Account rows on SQLite and on a real PostgreSQL server: lookups, what is live, what a user owns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deckchat.store import accounts, decks
from deckchat.store.db import Database
from deckchat.store.tables import ApiTokenRow, SessionRow, SignInLinkRow, UserRow

NOW = datetime.now(UTC)
HOUR = timedelta(hours=1)


def _user(db: Database, handle: str, *, signed_in: bool = False) -> str:
    """A user row; its id is ``u-`` and its handle."""
    with db.session() as session:
        row = UserRow(
            id=f"u-{handle}",
            email=f"{handle}@example.com",
            handle=handle,
            last_sign_in_at=NOW if signed_in else None,
        )
        session.add(row)
    return row.id


def _id(row: UserRow | ApiTokenRow | None) -> str | None:
    return None if row is None else row.id


def test_a_user_is_found_by_id_email_or_handle(db: Database) -> None:
    ada = _user(db, "ada")
    with db.session() as session:
        found = [_id(accounts.user_by_ref(session, ref)) for ref in ("u-ada", "ada@example.com", "ada")]
        assert found == [ada, ada, ada]
        assert _id(accounts.user_by_email(session, "ada@example.com")) == ada
        assert accounts.user_by_ref(session, "bob") is None and accounts.user_by_email(session, "ada") is None
        assert accounts.handle_taken(session, "ada") and not accounts.handle_taken(session, "bob")


def test_users_list_in_the_order_they_came_and_signing_in_is_noticed(db: Database) -> None:
    with db.session() as session:
        assert accounts.first_user(session) is None and not accounts.anyone_signed_in(session)
    for name in ("ada", "bob", "cy"):
        _user(db, name, signed_in=name == "cy")
    with db.session() as session:
        assert [u.handle for u in accounts.list_users(session)] == ["ada", "bob", "cy"]
        assert _id(accounts.first_user(session)) == "u-ada"
        assert accounts.anyone_signed_in(session)


def test_only_ownerless_decks_are_adopted_and_usage_counts_a_users_own(db: Database) -> None:
    ada, bob = _user(db, "ada"), _user(db, "bob")
    with db.session() as session:
        for owner, size in ((None, 100), (None, 20), (bob, 5)):
            new = decks.NewDeck("talk", "unlisted", "a" * 64, "t.pdf", "pdf", size, owner_id=owner)
            decks.add_deck(session, new)
    with db.session() as session:
        assert accounts.owner_usage(session, ada) == (0, 0)
        assert accounts.adopt_ownerless_decks(session, ada) == 2
    with db.session() as session:
        assert accounts.adopt_ownerless_decks(session, bob) == 0
        assert accounts.owner_usage(session, ada) == (2, 120)
        assert accounts.owner_usage(session, bob) == (1, 5)


def test_expired_sessions_and_used_or_expired_links_are_not_live(db: Database) -> None:
    ada = _user(db, "ada")
    with db.session() as session:
        session.add(SessionRow(id="s-live", user_id=ada, csrf_token="c", expires_at=NOW + HOUR))
        session.add(SessionRow(id="s-old", user_id=ada, csrf_token="c", expires_at=NOW - HOUR))
        session.add(SignInLinkRow(id="l-live", user_id=ada, expires_at=NOW + HOUR))
        session.add(SignInLinkRow(id="l-used", user_id=ada, expires_at=NOW + HOUR, used_at=NOW))
        session.add(SignInLinkRow(id="l-old", user_id=ada, expires_at=NOW - HOUR))
    with db.session() as session:
        assert accounts.live_session(session, "s-live", NOW) is not None
        assert accounts.live_session(session, "s-old", NOW) is None
        assert accounts.live_session(session, "s-live", NOW + 2 * HOUR) is None
        assert [
            accounts.usable_link(session, link, NOW) is not None for link in ("l-live", "l-used", "l-old")
        ] == [
            True,
            False,
            False,
        ]


def test_revoked_tokens_are_not_live_but_still_listed(db: Database) -> None:
    ada, bob = _user(db, "ada"), _user(db, "bob")
    with db.session() as session:
        session.add(ApiTokenRow(id="t1", user_id=ada, name="ci", secret_hash="1" * 64, created_at=NOW - HOUR))
        session.add(ApiTokenRow(id="t2", user_id=ada, name="old", secret_hash="2" * 64, revoked_at=NOW))
        session.add(ApiTokenRow(id="t3", user_id=bob, name="bob's", secret_hash="3" * 64))
    with db.session() as session:
        assert _id(accounts.live_token(session, "1" * 64)) == "t1"
        assert accounts.live_token(session, "2" * 64) is None
        assert [t.id for t in accounts.user_tokens(session, ada)] == ["t1", "t2"]
