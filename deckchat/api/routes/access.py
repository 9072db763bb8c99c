"""Signing in and out, one-time sign-in links, deck passwords, and presenters' public pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from deckchat.api.auth import (
    SESSION_COOKIE,
    CallerDep,
    add_cookie,
    cookie_header,
    remember_viewer,
)
from deckchat.api.deps import AccountsDep, DecksDep, RateLimitsDep
from deckchat.api.schemas import DeckList, DeckPassword, ErrorBody, SessionOut, SignIn, SignInLink, UserOut
from deckchat.core.access import Client, check_view
from deckchat.core.deck import Visibility
from deckchat.core.errors import NotFound
from deckchat.services.accounts import SESSION_DAYS, SignedIn
from deckchat.services.deck_access import facts_of

router = APIRouter(prefix="/api", tags=["access"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 422, 429)
}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _signed_in(request: Request, signed: SignedIn) -> SessionOut:
    add_cookie(request, cookie_header(request, SESSION_COOKIE, signed.secret, max_age=SESSION_DAYS * 86400))
    return SessionOut(user=UserOut.model_validate(signed.user), csrf_token=signed.csrf_token)


@router.get("/session", response_model=SessionOut)
async def get_session(caller: CallerDep) -> SessionOut:
    """Who is signed in, and the CSRF token their page must send with every change."""
    user = UserOut.model_validate(caller.user) if caller.user else None
    return SessionOut(user=user, csrf_token=caller.csrf_token)


@router.post("/session", response_model=SessionOut, responses=_ERRORS)
async def sign_in(
    body: SignIn, caller: CallerDep, request: Request, accounts: AccountsDep, limits: RateLimitsDep
) -> SessionOut:
    """Sign in with e-mail and password; sets the session cookie (HttpOnly, SameSite=Lax)."""
    limits.attempt(_address(request), "sign-in")
    return _signed_in(request, await run_in_threadpool(accounts.sign_in, body.email, body.password))


@router.post("/session/link", response_model=SessionOut, responses=_ERRORS)
async def sign_in_by_link(
    body: SignInLink, caller: CallerDep, request: Request, accounts: AccountsDep, limits: RateLimitsDep
) -> SessionOut:
    """Sign in with a one-time link's secret (as printed by the first `serve` or `deckchat user link`)."""
    limits.attempt(_address(request), "sign-in")
    return _signed_in(request, await run_in_threadpool(accounts.redeem_link, body.token))


@router.delete("/session", status_code=204)
async def sign_out(caller: CallerDep, request: Request, accounts: AccountsDep) -> Response:
    """End this browser's session, on the server too."""
    if secret := request.cookies.get(SESSION_COOKIE):
        await run_in_threadpool(accounts.sign_out, secret)
    add_cookie(request, cookie_header(request, SESSION_COOKIE, "", max_age=0))
    return Response(status_code=204)


@router.post("/decks/{ref}/unlock", status_code=204, responses=_ERRORS)
async def unlock_deck(
    ref: str,
    body: DeckPassword,
    caller: CallerDep,
    request: Request,
    decks: DecksDep,
    limits: RateLimitsDep,
) -> Response:
    """Enter a password-protected deck's password; this browser session may then view it."""
    deck = await run_in_threadpool(decks.get, ref)
    facts = facts_of(deck)
    # Everything but the password is checked first: a private deck stays a missing one, and an
    # expired link stays expired whatever the password.
    as_if_unlocked = Client(caller.client.user_id, {deck.id: facts.password_stamp or ""})
    check_view(as_if_unlocked, facts, datetime.now(UTC))
    if deck.visibility != Visibility.PASSWORD:
        return Response(status_code=204)  # nothing to unlock
    limits.attempt(_address(request), f"deck:{deck.id}")
    checked = await run_in_threadpool(decks.check_password, deck.id, body.password)
    caller.unlocked = {**caller.unlocked, deck.id: checked.password_stamp or ""}
    remember_viewer(request, caller)
    return Response(status_code=204)


@router.get("/users/{handle}/decks", response_model=DeckList, responses=_ERRORS)
async def public_decks(handle: str, caller: CallerDep, decks: DecksDep, accounts: AccountsDep) -> DeckList:
    """A presenter's page: their public decks that are ready and not expired."""
    if not await run_in_threadpool(accounts.handle_exists, handle):
        raise NotFound(f"No presenter {handle!r}.", code="user_not_found")
    return DeckList.model_validate({"decks": await run_in_threadpool(decks.public_decks, handle)})
