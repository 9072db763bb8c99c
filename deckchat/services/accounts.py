"""Presenter accounts: users with argon2 passwords, browser sessions, API tokens and one-time links.

Secrets (session cookies, tokens, links) are 256-bit random strings handed out once; the database keeps
only their SHA-256, so a leaked database opens no session. Passwords are argon2id, the OWASP choice.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from deckchat.core.errors import DeckchatError, InvalidInput, NotFound
from deckchat.store import accounts as rows
from deckchat.store.db import Database
from deckchat.store.decks import slugify
from deckchat.store.tables import ApiTokenRow, SessionRow, SignInLinkRow, UserRow

LOCAL_OWNER = "owner@localhost"
TOKEN_PREFIX = "dct_"
MIN_PASSWORD = 8
SESSION_DAYS = 30
LINK_HOURS = 24
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class UserView:
    id: str
    email: str
    handle: str
    has_password: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A browser session: the cookie's secret (shown once) and the CSRF token its page must echo."""

    user: UserView
    secret: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenView:
    id: str
    name: str
    user_email: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def now() -> datetime:
    return datetime.now(UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD} characters.", code="weak_password")
    if len(password) > 1000:
        raise InvalidInput("A password may have at most 1000 characters.", code="invalid_password")
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite drops the zone


def _view(row: UserRow) -> UserView:
    return UserView(row.id, row.email, row.handle, row.password_hash is not None, row.created_at)


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- users -------------------------------------------------------------------------------------

    def add_user(self, email: str, password: str | None) -> UserView:
        """A new presenter; ``password=None`` leaves them to sign in by a one-time link."""
        email = email.strip().lower()
        if not _EMAIL.match(email) or len(email) > 320:
            raise InvalidInput(f"{email!r} is not an e-mail address.", code="invalid_email")
        password_hash = hash_password(password) if password is not None else None
        with self.db.session() as session:
            if rows.user_by_email(session, email):
                raise DeckchatError(f"There is already a user {email}.", code="user_exists", status=409)
            first = rows.first_user(session) is None
            row = UserRow(
                id=secrets.token_hex(8),
                email=email,
                handle=self._free_handle(session, email),
                password_hash=password_hash,
            )
            session.add(row)
            session.flush()
            if first:  # decks from before accounts existed belong to whoever runs this install
                rows.adopt_ownerless_decks(session, row.id)
            return _view(row)

    @staticmethod
    def _free_handle(session: Session, email: str) -> str:
        base = slugify(email.split("@")[0])[:40]
        handle = base
        while rows.handle_taken(session, handle):
            handle = f"{base}-{secrets.token_hex(2)}"
        return handle

    def set_password(self, ref: str, password: str) -> None:
        password_hash = hash_password(password)
        with self.db.session() as session:
            row = self._user_row(session, ref)
            row.password_hash = password_hash
            # A new password ends every session that knew the old one.
            session.query(SessionRow).filter(SessionRow.user_id == row.id).delete()

    def users(self) -> list[UserView]:
        with self.db.session() as session:
            return [_view(row) for row in rows.list_users(session)]

    def user(self, ref: str) -> UserView:
        with self.db.session() as session:
            return _view(self._user_row(session, ref))

    def handle_exists(self, handle: str) -> bool:
        with self.db.session() as session:
            return rows.handle_taken(session, handle)

    def local_owner(self) -> UserView:
        """The install's first user, created as owner@localhost (no password) when there is none."""
        with self.db.session() as session:
            first = rows.first_user(session)
            if first is not None:
                return _view(first)
        try:
            return self.add_user(LOCAL_OWNER, None)
        except DeckchatError as exc:  # another process made it first
            if exc.code != "user_exists":
                raise
            return self.user(LOCAL_OWNER)

    def anyone_signed_in(self) -> bool:
        with self.db.session() as session:
            return rows.anyone_signed_in(session)

    @staticmethod
    def _user_row(session: Session, ref: str) -> UserRow:
        row = rows.user_by_ref(session, ref.strip().lower() if "@" in ref else ref)
        if row is None:
            raise NotFound(f"No user {ref!r}.", code="user_not_found")
        return row

    # --- sessions ----------------------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> SignedIn:
        with self.db.session() as session:
            row = rows.user_by_email(session, email.strip().lower())
            if not password_matches(row.password_hash if row else None, password) or row is None:
                raise DeckchatError(
                    "That e-mail and password do not match.", code="bad_credentials", status=401
                )
            return self._start_session(session, row)

    def sign_in_link(self, ref: str, hours: int = LINK_HOURS) -> str:
        """A one-time secret for the URL /signin#link=SECRET; valid for ``hours`` or one use."""
        secret = secrets.token_urlsafe(32)
        with self.db.session() as session:
            row = self._user_row(session, ref)
            session.add(
                SignInLinkRow(id=digest(secret), user_id=row.id, expires_at=now() + timedelta(hours=hours))
            )
        return secret

    def redeem_link(self, secret: str) -> SignedIn:
        with self.db.session() as session:
            link = rows.usable_link(session, digest(secret), now())
            if link is None:
                raise DeckchatError(
                    "This sign-in link is not valid: it was used already, has expired, or never existed. "
                    "Ask for a new one with `deckchat user link EMAIL`.",
                    code="link_invalid",
                    status=400,
                )
            link.used_at = now()
            user = session.get(UserRow, link.user_id)
            assert user is not None
            return self._start_session(session, user)

    def _start_session(self, session: Session, user: UserRow) -> SignedIn:
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now() + timedelta(days=SESSION_DAYS)
        user.last_sign_in_at = now()
        session.add(SessionRow(id=digest(secret), user_id=user.id, csrf_token=csrf, expires_at=expires))
        return SignedIn(_view(user), secret, csrf, expires)

    def session_user(self, secret: str) -> tuple[UserView, str] | None:
        """The user and CSRF token of a live session cookie, or None."""
        with self.db.read() as session:
            row = rows.live_session(session, digest(secret), now())
            if row is None:
                return None
            user = session.get(UserRow, row.user_id)
            return (_view(user), row.csrf_token) if user else None

    def sign_out(self, secret: str) -> None:
        with self.db.session() as session:
            session.query(SessionRow).filter(SessionRow.id == digest(secret)).delete()

    # --- API tokens --------------------------------------------------------------------------------

    def create_token(self, ref: str, name: str = "") -> tuple[TokenView, str]:
        """A new token for a user; the secret is returned this once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as session:
            user = self._user_row(session, ref)
            row = ApiTokenRow(id=secrets.token_hex(6), user_id=user.id, name=name, secret_hash=digest(secret))
            session.add(row)
            session.flush()
            return self._token_view(row, user.email), secret

    def tokens(self, ref: str) -> list[TokenView]:
        with self.db.session() as session:
            user = self._user_row(session, ref)
            return [self._token_view(row, user.email) for row in rows.user_tokens(session, user.id)]

    def revoke_token(self, token_id: str) -> TokenView:
        with self.db.session() as session:
            row = session.get(ApiTokenRow, token_id)
            if row is None:
                raise NotFound(f"No API token {token_id!r}.", code="token_not_found")
            row.revoked_at = row.revoked_at or now()
            user = session.get(UserRow, row.user_id)
            return self._token_view(row, user.email if user else "")

    def token_user(self, secret: str) -> UserView | None:
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self.db.read() as session:
            row = rows.live_token(session, digest(secret))
            user = session.get(UserRow, row.user_id) if row else None
            if row is None or user is None:
                return None
            token_id, last_used = row.id, row.last_used_at
        # Writes take SQLite's lock: note the use once a minute, not on every request.
        if last_used is None or now() - _aware(last_used) > timedelta(minutes=1):
            with self.db.session() as session:
                session.query(ApiTokenRow).filter(ApiTokenRow.id == token_id).update({"last_used_at": now()})
        return _view(user)

    @staticmethod
    def _token_view(row: ApiTokenRow, email: str) -> TokenView:
        return TokenView(
            row.id, row.name, email, row.created_at, row.last_used_at, row.revoked_at is not None
        )
