"""Rows of accounts: users, sessions, API tokens and one-time sign-in links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from deckchat.store.tables import ApiTokenRow, DeckRow, SessionRow, SignInLinkRow, UserRow


def user_by_email(session: Session, email: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.email == email)).first()


def user_by_ref(session: Session, ref: str) -> UserRow | None:
    """A user by id, e-mail or handle."""
    query = select(UserRow).where((UserRow.id == ref) | (UserRow.email == ref) | (UserRow.handle == ref))
    return session.scalars(query).first()


def handle_taken(session: Session, handle: str) -> bool:
    return session.scalar(select(func.count()).where(UserRow.handle == handle)) != 0


def list_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.created_at, UserRow.id)))


def first_user(session: Session) -> UserRow | None:
    return session.scalars(select(UserRow).order_by(UserRow.created_at, UserRow.id).limit(1)).first()


def anyone_signed_in(session: Session) -> bool:
    return session.scalar(select(func.count()).where(UserRow.last_sign_in_at.is_not(None))) != 0


def adopt_ownerless_decks(session: Session, user_id: str) -> int:
    """Give decks made before accounts existed to a user; returns how many."""
    result = session.execute(update(DeckRow).where(DeckRow.owner_id.is_(None)).values(owner_id=user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def live_session(session: Session, secret_hash: str, now: datetime) -> SessionRow | None:
    query = select(SessionRow).where(SessionRow.id == secret_hash, SessionRow.expires_at > now)
    return session.scalars(query).first()


def usable_link(session: Session, secret_hash: str, now: datetime) -> SignInLinkRow | None:
    query = select(SignInLinkRow).where(
        SignInLinkRow.id == secret_hash, SignInLinkRow.expires_at > now, SignInLinkRow.used_at.is_(None)
    )
    return session.scalars(query.with_for_update()).first()


def live_token(session: Session, secret_hash: str) -> ApiTokenRow | None:
    query = select(ApiTokenRow).where(
        ApiTokenRow.secret_hash == secret_hash, ApiTokenRow.revoked_at.is_(None)
    )
    return session.scalars(query).first()


def user_tokens(session: Session, user_id: str) -> list[ApiTokenRow]:
    query = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.created_at)
    return list(session.scalars(query))


def owner_usage(session: Session, user_id: str) -> tuple[int, int]:
    """How many decks a user owns and the bytes of their uploaded files, for the upload quotas."""
    count, size = session.execute(
        select(func.count(DeckRow.id), func.coalesce(func.sum(DeckRow.source_size), 0)).where(
            DeckRow.owner_id == user_id
        )
    ).one()
    return int(count), int(size)
