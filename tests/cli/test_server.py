"""`deckchat serve` believes X-Forwarded-For only from the proxies DECKCHAT_FORWARDED_ALLOW_IPS names.

Each test runs a real server process on loopback: uvicorn's own default would trust 127.0.0.1, which is
exactly where these requests come from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.slow
ATTEMPTS = 3  # sign-in attempts an address may make a minute, in these tests


def _sign_in(server: LiveServer, forwarded_for: str | None = None) -> int:
    """One wrong sign-in attempt: 401 while the address has attempts left, then 429."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    wrong = {"email": "nobody@example.com", "password": "not the password"}
    return httpx.post(f"{server.url}/api/session", json=wrong, headers=headers, timeout=30).status_code


def _server(home: Path, **env: str) -> Iterator[LiveServer]:
    server = LiveServer(home, DECKCHAT_SIGN_IN_RATE=f"{ATTEMPTS}/minute", **env).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[LiveServer]:
    """A server with the default setting: no proxy is trusted."""
    yield from _server(tmp_path / "home")


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose proxy runs on the same machine."""
    yield from _server(tmp_path / "home", DECKCHAT_FORWARDED_ALLOW_IPS="127.0.0.1")


def test_a_direct_client_cannot_choose_the_address_it_is_counted_at(direct: LiveServer) -> None:
    assert [_sign_in(direct) for _ in range(ATTEMPTS + 1)] == [401] * ATTEMPTS + [429]
    forged = [_sign_in(direct, f"203.0.113.{n}") for n in range(1, 6)]
    assert forged == [429] * 5
    assert _sign_in(direct, "203.0.113.1, 198.51.100.7") == 429


def test_a_configured_proxy_names_each_client(behind_proxy: LiveServer) -> None:
    first, second = "203.0.113.1", "198.51.100.7"
    assert [_sign_in(behind_proxy, first) for _ in range(ATTEMPTS + 1)] == [401] * ATTEMPTS + [429]
    # Another client behind the same proxy has attempts of its own, and so has the proxy itself.
    assert [_sign_in(behind_proxy, second) for _ in range(ATTEMPTS + 1)] == [401] * ATTEMPTS + [429]
    assert _sign_in(behind_proxy) == 401
    # The proxy appends the address it saw to what the client sent: only that last one counts.
    assert _sign_in(behind_proxy, f"10.9.8.7, {first}") == 429
