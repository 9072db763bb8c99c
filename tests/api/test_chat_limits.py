"""Chat abuse limits: 429 with Retry-After past the per-address and per-deck rates, and a generator
queue that turns the overflow away with 503 instead of letting it hang."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.api.limits import GeneratorGate, RateLimits, Throttled
from deckchat.settings import Settings
from tests.api.helpers import upload, wait_done

PANDAS = "ms-python-pandas-series-dataframe.pptx"
ACCEPT_JSON = {"Accept": "application/json"}


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
    limits = RateLimits(Settings(home=tmp_path, chat_rate_per_ip="2/minute", chat_rate_per_deck="3/minute"))
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
        RateLimits(Settings(home=tmp_path, chat_rate_per_ip="lots"))


def test_a_browser_session_has_its_own_tighter_limit(tmp_path: Path) -> None:
    limits = RateLimits(
        Settings(home=tmp_path, chat_rate_per_session="2/minute", chat_rate_per_ip="5/minute")
    )
    limits.chat("10.0.0.1", "deck-a", viewer="v1")
    limits.chat("10.0.0.1", "deck-a", viewer="v1")
    with pytest.raises(Throttled, match="from this browser"):
        limits.chat("10.0.0.1", "deck-a", viewer="v1")
    limits.chat("10.0.0.1", "deck-a", viewer="v2")  # another browser behind the same address
    limits.chat("10.0.0.1", "deck-a")  # no cookie at all: only the address counts
    limits.chat("10.0.0.1", "deck-a", viewer="v3")  # the address's fifth
    with pytest.raises(Throttled, match="from this address"):
        limits.chat("10.0.0.1", "deck-a", viewer="v4")


def test_password_attempts_are_limited_per_address(tmp_path: Path) -> None:
    limits = RateLimits(Settings(home=tmp_path, sign_in_rate="3/minute"))
    for _ in range(3):
        limits.attempt("10.0.0.1", "sign-in")
    with pytest.raises(Throttled) as caught:
        limits.attempt("10.0.0.1", "sign-in")
    assert caught.value.status == 429 and caught.value.retry_after >= 1
    limits.attempt("10.0.0.1", "deck:abc")  # a deck's password counts apart from sign-in
    limits.attempt("10.0.0.2", "sign-in")


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings(home=home, llm="extractive", chat_rate_per_ip="3/minute")


@pytest.fixture
def deck(client: TestClient, decks_dir: Path) -> dict[str, Any]:
    ready = wait_done(client, upload(client, decks_dir / PANDAS).json()["id"])
    assert ready["status"] == "ready"
    return ready


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
