"""Who may see and change a deck: the one policy every route applies, free of web and SQL code.

A deck is *viewed* (its page, slides, images, transcript, chat, progress) or *managed* (settings, new
versions, deletion, analytics). Its owner may do both, always. Anyone else may view it when its
visibility allows and its link has not expired; nobody else may manage it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from deckchat.core.deck import Visibility
from deckchat.core.errors import DeckchatError, DeckNotFound


class Rule(StrEnum):
    """What a route requires of its client. Every API route declares exactly one."""

    ANYONE = "anyone"  # sign-in, the session, an owner's public page
    SIGNED_IN = "signed_in"  # a presenter: upload, their own list of decks
    VIEW = "view"  # a viewer of the deck named in the path
    MANAGE = "manage"  # the deck's owner


@dataclass(frozen=True, slots=True)
class Client:
    """The caller of one request: a signed-in presenter (by session or API token) or an anonymous viewer,
    with the password-protected decks this browser session has unlocked (deck id -> password stamp)."""

    user_id: str | None = None
    unlocked: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeckFacts:
    id: str
    owner_id: str | None
    visibility: Visibility
    expires_at: datetime | None
    # Changes whenever the password does, so a new password locks out those who knew the old one.
    password_stamp: str | None


def is_owner(client: Client, deck: DeckFacts) -> bool:
    return client.user_id is not None and client.user_id == deck.owner_id


def check_view(client: Client, deck: DeckFacts, now: datetime) -> None:
    """Raise unless the client may view the deck. A private deck, and one whose link has expired, is
    indistinguishable from a missing one: a stranger holding the link learns nothing from it."""
    if is_owner(client, deck):
        return
    if deck.visibility is Visibility.PRIVATE or (deck.expires_at is not None and deck.expires_at <= now):
        raise DeckNotFound()
    if deck.visibility is Visibility.PASSWORD and (
        deck.password_stamp is None or client.unlocked.get(deck.id) != deck.password_stamp
    ):
        raise DeckchatError("This deck is protected by a password.", code="password_required", status=401)


def check_manage(client: Client, deck: DeckFacts, now: datetime) -> None:
    """Raise unless the client owns the deck. Those who may not even view it learn nothing more."""
    if is_owner(client, deck):
        return
    check_view(client, deck, now)
    if client.user_id is None:
        raise DeckchatError("Sign in to change this deck.", code="sign_in_required", status=401)
    raise DeckchatError("Only the deck's owner can do that.", code="not_owner", status=403)


def check_signed_in(client: Client) -> str:
    if client.user_id is None:
        raise DeckchatError("Sign in first.", code="sign_in_required", status=401)
    return client.user_id
