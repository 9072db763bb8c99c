"""Chat abuse limits: 429 with Retry-After past the per-session, per-address and per-deck rates and
the rate of new viewer sessions per address, sized so that a room behind one address is answered while
a flooding client is not; and a generator queue that turns the overflow away with 503 instead of
letting it hang."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from deckchat.api.auth import VIEWER_COOKIE
from deckchat.api.limits import GeneratorGate, RateLimits, Throttled
from deckchat.settings import Settings

ACCEPT_JSON = {"Accept": "application/json"}
ROOM = 200  # the audience on one venue's address that the default limits are sized for
VENUE = "203.0.113.7"


def test_the_gate_admits_its_concurrency_queues_the_next_and_refuses_the_rest() -> None:
    async def scenario() -> list[str]:
        gate = GeneratorGate(concurrency=1, queue=1, wait_s=0.5)
        log: list[str] = []
        release = asyncio.Event()

        async def ask(name: str, hold: bool) -> None:
            try:
                async with gate.slot():
                    log.append(f"{name} runs")
                    if hold:
                        await release.wait()
            except Throttled as refused:
                log.append(f"{name} {refused.code} {refused.status} retry {refused.retry_after}")

        first = asyncio.create_task(ask("first", hold=True))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(ask("second", hold=False))  # waits in the queue
        await asyncio.sleep(0.01)
        await ask("third", hold=False)  # the queue is full
        release.set()
        await asyncio.gather(first, second)
        # With the slot held past wait_s, a queued question gives up instead of hanging.
        release.clear()
        holder = asyncio.create_task(ask("fourth", hold=True))
        await asyncio.sleep(0.01)
        await ask("fifth", hold=False)
        release.set()
        await holder
        return log

    assert asyncio.run(scenario()) == [
        "first runs",
        "third generator_busy 503 retry 1",
        "second runs",
        "fourth runs",
        "fifth generator_busy 503 retry 1",
    ]


def test_limits_count_per_address_and_per_deck(tmp_path: Path) -> None:
    limits = RateLimits(
        Settings(home=tmp_path, chat_rate_per_ip="2/minute", chat_rate_per_deck="3/minute").security
    )
    limits.chat("10.0.0.1", "deck-a")
    limits.chat("10.0.0.1", "deck-b")
    with pytest.raises(Throttled) as per_ip:
        limits.chat("10.0.0.1", "deck-c")
    assert (per_ip.value.code, per_ip.value.status) == ("rate_limited", 429)
    assert 1 <= per_ip.value.retry_after <= 60
    limits.chat("10.0.0.2", "deck-a")
    limits.chat("10.0.0.3", "deck-a")  # deck-a's third question, from a third address
    with pytest.raises(Throttled, match="of this deck"):
        limits.chat("10.0.0.4", "deck-a")
    with pytest.raises(Exception, match="not like '30/minute'"):
        RateLimits(Settings(home=tmp_path, chat_rate_per_ip="lots").security)


def test_a_browser_session_has_its_own_tighter_limit(tmp_path: Path) -> None:
    limits = RateLimits(
        Settings(home=tmp_path, chat_rate_per_session="2/minute", chat_rate_per_ip="5/minute").security
    )
    limits.chat("10.0.0.1", "deck-a", session="v1")
    limits.chat("10.0.0.1", "deck-a", session="v1")
    with pytest.raises(Throttled, match="from this browser"):
        limits.chat("10.0.0.1", "deck-a", session="v1")
    limits.chat("10.0.0.1", "deck-a", session="v2")  # another browser behind the same address
    limits.chat("10.0.0.1", "deck-a")  # no cookie at all: only the address counts
    limits.chat("10.0.0.1", "deck-a", session="v3")  # the address's fifth
    with pytest.raises(Throttled, match="from this address"):
        limits.chat("10.0.0.1", "deck-a", session="v4")


def test_the_defaults_let_a_whole_room_behind_one_address_ask_in_the_same_minute(tmp_path: Path) -> None:
    limits = RateLimits(Settings(home=tmp_path).security)
    for n in range(ROOM):  # every viewer arrives and asks at once: far above a realistic pace
        limits.new_session(VENUE)
        limits.chat(VENUE, "talk", session=f"viewer-{n}")
    for n in range(ROOM // 2):  # and half of them ask again within that minute
        limits.chat(VENUE, "talk", session=f"viewer-{n}")
    # The address's cap (300 a minute) is still there for whoever holds many sessions.
    with pytest.raises(Throttled, match="from this address"):
        limits.chat(VENUE, "talk", session=f"viewer-{ROOM - 1}")
    limits.chat("198.51.100.1", "talk", session="elsewhere")  # another address is counted apart


def test_a_flooding_session_meets_its_own_limit_with_the_defaults(tmp_path: Path) -> None:
    limits = RateLimits(Settings(home=tmp_path).security)
    asked = 0
    with pytest.raises(Throttled, match="from this browser") as refused:
        while asked < ROOM:
            limits.chat(VENUE, "talk", session="flooder")
            asked += 1
    assert asked == 20 and 1 <= refused.value.retry_after <= 60
    limits.chat(VENUE, "talk", session="neighbour")  # the rest of the room still asks


def test_a_client_dropping_its_cookie_is_held_to_the_new_session_rate(tmp_path: Path) -> None:
    limits = RateLimits(Settings(home=tmp_path).security)
    for _ in range(ROOM):  # as many new sessions as the room has people, within ten minutes
        limits.new_session(VENUE)
    with pytest.raises(Throttled, match="new visitors") as refused:
        limits.new_session(VENUE)
    assert (refused.value.status, refused.value.retry_after) == (429, 1)
    limits.new_session("198.51.100.1")


def test_password_attempts_are_limited_per_address(tmp_path: Path) -> None:
    limits = RateLimits(Settings(home=tmp_path, sign_in_rate="3/minute").security)
    for _ in range(3):
        limits.attempt("10.0.0.1", "sign-in")
    with pytest.raises(Throttled) as caught:
        limits.attempt("10.0.0.1", "sign-in")
    assert caught.value.status == 429 and caught.value.retry_after >= 1
    limits.attempt("10.0.0.1", "deck:abc")  # a deck's password counts apart from sign-in
    limits.attempt("10.0.0.2", "sign-in")


@pytest.fixture
def settings(home: Path) -> Settings:
    # The defaults scaled down, so that a few dozen requests reach every limit.
    return Settings(
        home=home,
        llm="extractive",
        chat_rate_per_session="3/minute",
        chat_rate_per_ip="40/minute",
        viewer_sessions_per_ip="12/minute",
    )


@pytest.mark.slow
def test_too_many_questions_get_429_with_retry_after(client: TestClient, deck: dict[str, Any]) -> None:
    url = f"/api/decks/{deck['id']}/chat"
    for _ in range(3):
        assert (
            client.post(url, json={"question": "What is a Series?"}, headers=ACCEPT_JSON).status_code == 200
        )
    for accept in (ACCEPT_JSON, {"Accept": "text/event-stream"}):  # refused before any stream starts
        refused = client.post(url, json={"question": "What is a Series?"}, headers=accept)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    too_long = client.post(url, json={"question": "x" * 2001}, headers=ACCEPT_JSON)
    assert too_long.status_code == 422  # length limits hold before any counting


def ask(client: TestClient, url: str, cookie: str | None, accept: str = "application/json") -> Response:
    """One question from one browser: its own viewer cookie, or none yet. Every request of a TestClient
    comes from the same address, as a room's do from a venue's."""
    client.cookies.clear()
    headers = {"Accept": accept} | ({"Cookie": f"{VIEWER_COOKIE}={cookie}"} if cookie else {})
    return client.post(url, json={"question": "What is a Series?"}, headers=headers)


def assert_throttled(response: Response, message: str) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert message in response.json()["error"]["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


@pytest.mark.slow
def test_an_audience_behind_one_address_is_answered_while_floods_are_refused(
    client: TestClient, deck: dict[str, Any]
) -> None:
    url = f"/api/decks/{deck['id']}/chat"
    del client.headers["Authorization"]  # from here on, anonymous viewers
    room = []
    for _ in range(10):  # ten viewers arrive and ask; each is given a session
        first = ask(client, url, None)
        assert first.status_code == 200, first.text
        room.append(first.cookies[VIEWER_COOKIE])
    assert len(set(room)) == len(room)
    for cookie in room:
        assert ask(client, url, cookie).status_code == 200

    # One browser floods with its session: its own limit stops it, for JSON and streams alike.
    flooder = ask(client, url, None).cookies[VIEWER_COOKIE]
    assert [ask(client, url, flooder).status_code for _ in range(2)] == [200, 200]
    for accept in ("application/json", "text/event-stream") * 3:
        assert_throttled(ask(client, url, flooder, accept), "from this browser")

    # A client that drops its cookie starts a session with every question: the twelfth of the minute
    # is the last one answered.
    assert ask(client, url, None).status_code == 200
    dropped = [ask(client, url, None) for _ in range(5)]
    for refused in dropped:
        assert_throttled(refused, "new visitors")
        assert int(refused.headers["retry-after"]) == 1
    # A browser refused that way was given its session with the 429, and is answered when it asks again.
    assert ask(client, url, dropped[0].cookies[VIEWER_COOKIE]).status_code == 200

    # The room asks its third questions and is answered: the floods took none of its share.
    for cookie in room:
        assert ask(client, url, cookie).status_code == 200
