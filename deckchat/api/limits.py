"""Abuse limits: chat rate limits per browser session, address and deck, new viewer sessions and
password attempts per address, and a bounded queue in front of the generator, so a flood of questions
gets 429 or 503 with Retry-After instead of hanging.

The session is the main control: an audience often shares one address (a venue's Wi-Fi), so the
address limits are sized for a room, not for one person. A client that floods with one session meets
its session's limit; one that drops its cookie to get a fresh session per question meets the limit on
new sessions per address; and whatever it does, the address limit caps what one address can cost.

Counters use the ``limits`` library's moving window: in memory for one process, or in Redis
(``DECKCHAT_RATE_LIMIT_STORAGE=redis://...``) when several servers must share them.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.settings import Security


class Throttled(DeckchatError):
    """A refusal the client should retry: the response carries ``Retry-After``."""

    def __init__(self, message: str, *, code: str, status: int, retry_after: int) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class RateLimits:
    def __init__(self, security: Security) -> None:
        try:
            self._per_session = parse(security.chat_rate_per_session)
            self._per_ip = parse(security.chat_rate_per_ip)
            self._per_deck = parse(security.chat_rate_per_deck)
            self._new_sessions = parse(security.viewer_sessions_per_ip)
            self._attempts = parse(security.sign_in_rate)
        except ValueError as error:
            raise InvalidInput(
                f"A rate limit is not like '30/minute': {error}", code="bad_rate_limit"
            ) from None
        self._limiter = MovingWindowRateLimiter(storage_from_string(security.rate_limit_storage))

    def chat(self, address: str, deck_id: str, session: str | None = None) -> None:
        """Count one question; raise ``Throttled`` (429) when the viewer's session, their address or
        the deck is over its limit. The session limit is the tightest, the address one caps a room
        behind one address, and the deck one caps what a deck's audience can cost."""
        self.chat_sender(address, session)
        self.chat_deck(deck_id)

    def chat_sender(self, address: str, session: str | None = None) -> None:
        """The session and address limits alone: they need no deck, so a flood is refused before
        anything is looked up."""
        if session:
            self._hit(self._per_session, ("chat", "session", session), _too_many("from this browser"))
        self._hit(self._per_ip, ("chat", "ip", address), _too_many("from this address"))

    def chat_deck(self, deck_id: str) -> None:
        self._hit(self._per_deck, ("chat", "deck", deck_id), _too_many("of this deck"))

    def new_session(self, address: str) -> None:
        """Count one viewer session started from an address. A room starts one per person; a client
        that drops its cookie starts one per question, and is held to this rate. The refusal says
        retry in a second, not when the window frees: the browser was given its session with the 429
        and asks again as that session, which this limit no longer counts."""
        self._hit(
            self._new_sessions,
            ("session", "ip", address),
            "Too many new visitors from this address; please ask again.",
            retry_after=1,
        )

    def attempt(self, address: str, what: str) -> None:
        """Count one password attempt (sign-in or a deck's password) from an address."""
        self._hit(self._attempts, ("attempt", what, address), "Too many attempts; try again in a minute.")

    def _hit(
        self, item: RateLimitItem, key: tuple[str, ...], message: str, *, retry_after: int | None = None
    ) -> None:
        if not self._limiter.hit(item, *key):
            if retry_after is None:
                reset = self._limiter.get_window_stats(item, *key).reset_time
                retry_after = max(1, math.ceil(reset - time.time()))
            raise Throttled(message, code="rate_limited", status=429, retry_after=retry_after)


def _too_many(who: str) -> str:
    return f"Too many questions {who}; try again in a moment."


class GeneratorGate:
    """At most ``concurrency`` answers at once and ``queue`` waiting; the rest are turned away."""

    def __init__(self, concurrency: int, queue: int, wait_s: float) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._queue, self._wait_s = queue, wait_s
        self._waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._slots.locked() and self._waiting >= self._queue:
            raise self._busy()
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self._wait_s)
        except TimeoutError:
            raise self._busy() from None
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._slots.release()

    def _busy(self) -> Throttled:
        return Throttled(
            "The answer generator is busy; try again shortly.",
            code="generator_busy",
            status=503,
            retry_after=max(1, math.ceil(self._wait_s / 6)),
        )
