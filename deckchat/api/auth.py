"""Who is calling: API tokens, presenter session cookies (with CSRF protection), and the signed cookie
of an anonymous viewer's browser session; and the access rule each route declares.

Every API route depends on one of ``anyone``, ``signed_in``, ``viewable_deck``, ``managed_deck`` or
``viewable_image``; ``route_rules`` reads that back from the route table, so the app refuses to start
with a route that has none, and the authorization test is generated from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from deckchat.api.deps import services_of
from deckchat.core.access import Client, DeckFacts, Rule, check_manage, check_signed_in, check_view
from deckchat.core.deck import Visibility
from deckchat.core.errors import DeckchatError, NotFound
from deckchat.services.accounts import Accounts, UserView
from deckchat.services.deck_access import facts_of
from deckchat.services.views import DeckView
from deckchat.settings import Security

SESSION_COOKIE = "deckchat_session"
VIEWER_COOKIE = "deckchat_viewer"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_MAX_UNLOCKED = 50  # decks one browser session remembers unlocking; keeps the cookie small


@dataclass
class Caller:
    """The resolved caller of one request (cached on ``request.state``)."""

    user: UserView | None
    via: str | None  # "token", "session" or None
    viewer_id: str | None
    unlocked: dict[str, str] = field(default_factory=dict)
    csrf_token: str | None = None  # the session's, when signed in by cookie

    @property
    def client(self) -> Client:
        return Client(self.user.id if self.user else None, self.unlocked)

    @property
    def session(self) -> str | None:
        """Whom the per-session chat limit counts: the signed-in presenter, else the browser's viewer
        session (None before it has one). A viewer id has no ':', so the two never meet."""
        return f"user:{self.user.id}" if self.user else self.viewer_id


# --- the viewer's signed cookie ----------------------------------------------------------------------


def _sign(key: bytes, payload: bytes) -> str:
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{base64.urlsafe_b64encode(payload).decode()}.{base64.urlsafe_b64encode(mac).decode()}"


def _unsign(key: bytes, value: str) -> dict[str, Any] | None:
    try:
        data, mac = value.split(".")
        payload = base64.urlsafe_b64decode(data)
        expected = hmac.new(key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, base64.urlsafe_b64decode(mac)):
            return None
        parsed = json.loads(payload)
    except (ValueError, TypeError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _viewer_from(request: Request) -> tuple[str | None, dict[str, str]]:
    raw = request.cookies.get(VIEWER_COOKIE)
    parsed = _unsign(_key(request), raw) if raw else None
    if not parsed or not isinstance(parsed.get("v"), str):
        return None, {}
    unlocked = parsed.get("u")
    if not isinstance(unlocked, dict):
        unlocked = {}
    return parsed["v"], {str(k): str(v) for k, v in unlocked.items()}


def remember_viewer(request: Request, caller: Caller) -> None:
    """Give this browser a viewer session (or update it): sent as a cookie with the response."""
    if caller.viewer_id is None:
        caller.viewer_id = secrets.token_urlsafe(16)
    unlocked = dict(list(caller.unlocked.items())[-_MAX_UNLOCKED:])
    payload = json.dumps({"v": caller.viewer_id, "u": unlocked}, separators=(",", ":")).encode()
    # No Max-Age: the cookie ends with the browser session, and with it any deck password entered.
    add_cookie(request, cookie_header(request, VIEWER_COOKIE, _sign(_key(request), payload), max_age=None))


def add_cookie(request: Request, header: str) -> None:
    """Queue a Set-Cookie for this request's response (see headers.py: streamed responses too)."""
    request.state.set_cookies = [*getattr(request.state, "set_cookies", []), header]


def cookie_header(request: Request, name: str, value: str, *, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if _secure(request):
        parts.append("Secure")
    return "; ".join(parts)


def _security(request: Request) -> Security:
    security: Security = request.app.state.security
    return security


def _secure(request: Request) -> bool:
    security = _security(request)
    if security.cookie_secure is not None:
        return security.cookie_secure
    return request.url.scheme == "https" or security.public_url.startswith("https://")


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.signing_key
    return key


# --- resolving the caller ----------------------------------------------------------------------------


def caller_of(request: Request) -> Caller:
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    accounts: Accounts = request.app.state.accounts
    viewer_id, unlocked = _viewer_from(request)
    user, via, csrf = None, None, None
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        user = accounts.token_user(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise DeckchatError(
                "The API token is not valid or was revoked.", code="invalid_token", status=401
            )
        via = "token"
    elif secret := request.cookies.get(SESSION_COOKIE):
        found = accounts.session_user(secret)
        if found is not None:
            user, csrf = found
            via = "session"
            if request.method in _UNSAFE and not hmac.compare_digest(
                request.headers.get(CSRF_HEADER, ""), csrf
            ):
                raise DeckchatError(
                    "This request lacks the page's CSRF token; reload the page and try again.",
                    code="csrf_failed",
                    status=403,
                )
    if request.method in _UNSAFE and via != "token":
        _check_origin(request)
    caller = Caller(user, via, viewer_id, unlocked, csrf)
    request.state.caller = caller
    return caller


async def resolve_caller(request: Request) -> Caller:
    """``caller_of`` without a worker thread when it needs no database: an anonymous viewer carries
    at most a signed cookie. Most requests to a deck site are a viewer's slide images."""
    if getattr(request.state, "caller", None) is None and (
        request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE)
    ):
        return await run_in_threadpool(caller_of, request)
    return caller_of(request)


def _check_origin(request: Request) -> None:
    """A browser names the page that sent a request; refuse writes from pages of other sites."""
    origin = request.headers.get("origin")
    if not origin:  # not a browser, or a same-origin GET-like navigation: nothing to compare
        return
    own = {f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"}
    public_url = _security(request).public_url
    if public_url:
        parts = urlsplit(public_url)
        own.add(f"{parts.scheme}://{parts.netloc}")
    if origin not in own:
        raise DeckchatError("Requests from other sites are refused.", code="cross_origin", status=403)


# --- the rules -----------------------------------------------------------------------------------------


async def anyone(request: Request) -> Caller:
    """Rule ANYONE: no requirement, but the caller is resolved (and a forged token still refused)."""
    return await resolve_caller(request)


def signed_in(request: Request) -> UserView:
    """Rule SIGNED_IN: a presenter, by session cookie or API token."""
    caller = caller_of(request)
    check_signed_in(caller.client)
    assert caller.user is not None
    return caller.user


def _deck(request: Request, ref: str) -> tuple[Caller, DeckView]:
    return caller_of(request), services_of(request).decks.get(ref)


def viewable_deck(request: Request, ref: str) -> DeckView:
    """Rule VIEW: the deck named by ``ref``, if its visibility lets this caller see it."""
    caller, deck = _deck(request, ref)
    check_view(caller.client, facts_of(deck), datetime.now(UTC))
    return deck


def managed_deck(request: Request, ref: str) -> DeckView:
    """Rule MANAGE: the deck named by ``ref``, if this caller owns it."""
    caller, deck = _deck(request, ref)
    check_manage(caller.client, facts_of(deck), datetime.now(UTC))
    return deck


@dataclass(frozen=True, slots=True)
class ImageAccess:
    digest: str
    shared: bool  # some deck showing it is open to anyone with its link: shared caches may keep it


async def viewable_image(request: Request, name: str) -> ImageAccess:
    """Rule VIEW for /media: an image, if the caller may view some deck that shows it. Knowing an
    image's hash is not enough: a private deck's images are its owner's alone."""
    digest, dot, ext = name.partition(".")
    access = services_of(request).access
    decks: list[DeckFacts] = []
    if dot and ext == "webp" and len(digest) == 64:
        recent = access.recent_image_decks(digest)
        decks = recent if recent is not None else await run_in_threadpool(access.image_decks, digest)
    client, now = (await resolve_caller(request)).client, datetime.now(UTC)
    if not any(_may_view(client, deck, now) for deck in decks):
        raise NotFound("No such image.", code="image_not_found")
    open_link = (Visibility.PUBLIC, Visibility.UNLISTED)
    return ImageAccess(digest, any(d.visibility in open_link and d.expires_at is None for d in decks))


def _may_view(client: Client, deck: DeckFacts, now: datetime) -> bool:
    try:
        check_view(client, deck, now)
    except DeckchatError:
        return False
    return True


CallerDep = Annotated[Caller, Depends(anyone)]
UserDep = Annotated[UserView, Depends(signed_in)]
ViewDeck = Annotated[DeckView, Depends(viewable_deck)]
OwnDeck = Annotated[DeckView, Depends(managed_deck)]
ImageDep = Annotated[ImageAccess, Depends(viewable_image)]

_RULES: dict[Callable[..., Any], Rule] = {
    anyone: Rule.ANYONE,
    signed_in: Rule.SIGNED_IN,
    viewable_deck: Rule.VIEW,
    viewable_image: Rule.VIEW,
    managed_deck: Rule.MANAGE,
}


_STRICTNESS = [Rule.MANAGE, Rule.VIEW, Rule.SIGNED_IN, Rule.ANYONE]


def access_rule(dependant: Dependant) -> Rule | None:
    """The rule a route's dependencies impose: the strictest among them (a route that checks a deck
    may also ask for the caller, which alone demands nothing); None if it has none."""
    found: set[Rule] = set()

    def walk(node: Dependant) -> None:
        for sub in node.dependencies:
            if sub.call in _RULES:
                found.add(_RULES[sub.call])
            walk(sub)

    walk(dependant)
    return next((rule for rule in _STRICTNESS if rule in found), None)


def route_rules(app: FastAPI) -> Iterator[tuple[str, str, Rule | None]]:
    """(method, path, rule) for every API route of the app, as requests will find them."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            rule = access_rule(context.dependant)
            for method in sorted(context.methods or ()):
                yield method, str(context.path), rule
