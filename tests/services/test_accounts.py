"""Accounts on a real database (SQLite and PostgreSQL): passwords, sessions, links and tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.services import accounts as accounts_module
from deckchat.services.accounts import Accounts, digest
from deckchat.services.app_services import Services
from deckchat.store.tables import ApiTokenRow, SessionRow, SignInLinkRow, UserRow


@pytest.fixture
def accounts(services: Services) -> Accounts:
    return Accounts(services.db)


def error_of(call: object, *args: object) -> tuple[int, str]:
    with pytest.raises(DeckchatError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.status, caught.value.code


def test_passwords_are_argon2_and_checked(accounts: Accounts, services: Services) -> None:
    user = accounts.add_user("  Ada@Example.com ", "correct horse")
    assert (user.email, user.handle, user.has_password) == ("ada@example.com", "ada", True)
    with services.db.session() as session:
        stored = session.get(UserRow, user.id)
        assert stored is not None and stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2id$") and "correct horse" not in stored.password_hash
    signed = accounts.sign_in("ADA@example.com", "correct horse")
    assert signed.user.id == user.id and len(signed.secret) >= 40 and signed.csrf_token != signed.secret
    assert error_of(accounts.sign_in, "ada@example.com", "wrong horse") == (401, "bad_credentials")
    assert error_of(accounts.sign_in, "nobody@example.com", "correct horse") == (401, "bad_credentials")
    assert error_of(accounts.add_user, "ada@example.com", "another one") == (409, "user_exists")
    assert error_of(accounts.add_user, "not an address", "long enough") == (422, "invalid_email")
    assert error_of(accounts.add_user, "bob@example.com", "short") == (422, "weak_password")


def test_a_user_without_a_password_cannot_sign_in_with_one(accounts: Accounts) -> None:
    accounts.add_user("link@example.com", None)
    assert error_of(accounts.sign_in, "link@example.com", "") == (401, "bad_credentials")


def test_sessions_store_only_a_hash_and_end(accounts: Accounts, services: Services) -> None:
    accounts.add_user("ada@example.com", "correct horse")
    signed = accounts.sign_in("ada@example.com", "correct horse")
    with services.db.session() as session:
        assert session.get(SessionRow, signed.secret) is None
        assert session.get(SessionRow, digest(signed.secret)) is not None
    found = accounts.session_user(signed.secret)
    assert found is not None and found[1] == signed.csrf_token
    assert accounts.session_user(signed.secret + "x") is None
    accounts.sign_out(signed.secret)
    assert accounts.session_user(signed.secret) is None


def test_a_new_password_ends_the_old_sessions(accounts: Accounts) -> None:
    accounts.add_user("ada@example.com", "correct horse")
    signed = accounts.sign_in("ada@example.com", "correct horse")
    accounts.set_password("ada@example.com", "battery staple")
    assert accounts.session_user(signed.secret) is None
    assert accounts.sign_in("ada@example.com", "battery staple").user.email == "ada@example.com"


def test_expired_sessions_do_not_count(accounts: Accounts, services: Services) -> None:
    accounts.add_user("ada@example.com", "correct horse")
    signed = accounts.sign_in("ada@example.com", "correct horse")
    with services.db.session() as session:
        row = session.get(SessionRow, digest(signed.secret))
        assert row is not None
        row.expires_at = accounts_module.now() - timedelta(seconds=1)
    assert accounts.session_user(signed.secret) is None


def test_sign_in_links_work_once(accounts: Accounts, services: Services) -> None:
    owner = accounts.local_owner()
    assert (owner.email, owner.has_password) == ("owner@localhost", False)
    assert accounts.local_owner().id == owner.id  # the first user, not a new one
    assert not accounts.anyone_signed_in()
    secret = accounts.sign_in_link(owner.email)
    assert accounts.redeem_link(secret).user.id == owner.id
    assert accounts.anyone_signed_in()
    assert error_of(accounts.redeem_link, secret) == (400, "link_invalid")
    stale = accounts.sign_in_link(owner.email)
    with services.db.session() as session:
        row = session.get(SignInLinkRow, digest(stale))
        assert row is not None
        row.expires_at = accounts_module.now() - timedelta(seconds=1)
    assert error_of(accounts.redeem_link, stale) == (400, "link_invalid")


def test_tokens_are_hashed_and_revocable(accounts: Accounts, services: Services) -> None:
    accounts.add_user("ada@example.com", None)
    token, secret = accounts.create_token("ada@example.com", "ci")
    assert secret.startswith("dct_") and len(secret) > 40
    with services.db.session() as session:
        row = session.get(ApiTokenRow, token.id)
        assert row is not None and row.secret_hash == digest(secret) and secret not in row.secret_hash
    user = accounts.token_user(secret)
    assert user is not None and user.email == "ada@example.com"
    assert accounts.tokens("ada@example.com")[0].last_used_at is not None
    assert accounts.token_user(secret[:-1]) is None and accounts.token_user("not-a-token") is None
    assert accounts.revoke_token(token.id).revoked
    assert accounts.token_user(secret) is None
    assert error_of(accounts.revoke_token, "nope") == (404, "token_not_found")


def test_the_first_user_adopts_decks_from_before_accounts(
    accounts: Accounts, services: Services, decks_dir: object
) -> None:
    from deckchat.store.tables import DeckRow

    with services.db.session() as session:
        session.add(
            DeckRow(
                id="old",
                slug="old-deck",
                title="Old",
                source_hash="0" * 64,
                source_filename="old.pdf",
                source_format="pdf",
                source_size=1,
            )
        )
    first = accounts.add_user("ada@example.com", None)
    accounts.add_user("bob@example.com", None)
    assert services.decks.get("old").owner_id == first.id
    assert accounts.add_user("ada@example.org", None).handle.startswith("ada-")
