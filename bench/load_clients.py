"""The simulated viewers and chatters of bench/load.py, and what one stretch of their load measured.

Everything runs on one asyncio event loop in the benchmark's own process, apart from the servers. The
clients are aiohttp's, whose HTTP parsing is in C: httpx's pure-Python stack spent 3.2 ms of CPU per
request here, more than the server it measured, and on two cores the load generator's own CPU shows
up in every latency it times (the static-file baseline's image p95 was 23 ms with httpx).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

BROWSER_CONNECTIONS = 6  # what a browser opens per host; more requests than that wait in the browser
THUMBNAILS_IN_VIEW = 8
TIMEOUT_S = 30.0
# Clients arrive spread over the ramp, and what is sent during it is not counted: a benchmark's start
# is not a moment of the server's life, and a baseline split in two halves would have it twice.
RAMP_S = 5.0


@dataclass(frozen=True)
class Deck:
    slug: str
    images: tuple[str, ...]
    thumbnails: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Sample:
    route: str  # deck, slides, thumbnail, image or chat
    status: int  # 0: the request failed without an HTTP answer
    ms: float
    retry_after: bool
    at: float  # time.monotonic() when it was sent


@dataclass
class Phase:
    """What one stretch of load produced, plus what it cost the load generator and the server."""

    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    loop_lag_ms: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0

    def merge(self, other: Phase) -> Phase:
        return Phase(
            self.samples + other.samples,
            self.seconds + other.seconds,
            self.loop_lag_ms + other.loop_lag_ms,
            self.client_cpu_s + other.client_cpu_s,
            self.server_cpu_s + other.server_cpu_s,
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), so we can say who was the bottleneck."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Any  # a case-insensitive multidict
    body: bytes


async def timed(
    client: aiohttp.ClientSession, samples: list[Sample], route: str, method: str, url: str, **kw: Any
) -> Reply | None:
    """One request, timed until its whole body has arrived."""
    at, start = time.monotonic(), time.perf_counter()
    try:
        async with client.request(method, url, **kw) as response:
            reply = Reply(response.status, response.headers, await response.read())
    except (aiohttp.ClientError, TimeoutError):
        samples.append(Sample(route, 0, (time.perf_counter() - start) * 1000, False, at))
        return None
    ms = (time.perf_counter() - start) * 1000
    samples.append(Sample(route, reply.status, ms, "retry-after" in reply.headers, at))
    return reply


async def think(seconds: float, stop_at: float) -> None:
    await asyncio.sleep(max(0.0, min(seconds, stop_at - time.monotonic())))


class Browser:
    """One viewer's HTTP client: a browser's few connections per host and its cache of ETags."""

    def __init__(self, client: aiohttp.ClientSession, samples: list[Sample]) -> None:
        self.client = client
        self.samples = samples
        self.etags: dict[str, str] = {}
        # Timing starts once a connection is free: time queued inside the browser is not the server's.
        self._slots = asyncio.Semaphore(BROWSER_CONNECTIONS)

    async def get(self, route: str, url: str) -> None:
        headers = {"If-None-Match": self.etags[url]} if url in self.etags else {}
        async with self._slots:
            response = await timed(self.client, self.samples, route, "GET", url, headers=headers)
        if response is not None and response.status == 200 and "etag" in response.headers:
            self.etags[url] = response.headers["etag"]


async def viewer(browser: Browser, decks: list[Deck], api: bool, stop_at: float, rng: random.Random) -> None:
    await think(rng.uniform(0, RAMP_S), stop_at)  # viewers arrive over the ramp, not all in one instant
    while time.monotonic() < stop_at:
        deck = rng.choice(decks)
        if api:
            await browser.get("deck", f"/api/decks/{deck.slug}")
            await browser.get("slides", f"/api/decks/{deck.slug}/slides")
        in_view = deck.thumbnails[:THUMBNAILS_IN_VIEW]
        await asyncio.gather(*(browser.get("thumbnail", url) for url in in_view))
        await browse(browser, deck, stop_at, rng)


async def browse(browser: Browser, deck: Deck, stop_at: float, rng: random.Random) -> None:
    """Page through a deck: mostly forward, sometimes back, now and then a jump."""
    count = len(deck.images)
    n = 0 if rng.random() < 0.7 else rng.randrange(count)  # most arrive at slide 1, some by deep link
    for _ in range(rng.randint(5, 20)):
        if time.monotonic() >= stop_at:
            return
        await browser.get("image", deck.images[n])
        await think(rng.uniform(0.2, 1.0), stop_at)
        step = rng.random()
        n = (n + 1) % count if step < 0.8 else max(0, n - 1) if step < 0.9 else rng.randrange(count)


async def chatter(
    client: aiohttp.ClientSession,
    decks: list[Deck],
    samples: list[Sample],
    stop_at: float,
    rng: random.Random,
) -> None:
    conversations: dict[str, str] = {}
    await think(rng.uniform(0, RAMP_S), stop_at)
    while time.monotonic() < stop_at:
        deck = rng.choice(decks)
        body = {"question": rng.choice(deck.questions)}
        if deck.slug in conversations and rng.random() < 0.5:  # a follow-up in the same conversation
            body["conversation_id"] = conversations[deck.slug]
        url = f"/api/decks/{deck.slug}/chat"
        headers = {"Accept": "application/json"}
        response = await timed(client, samples, "chat", "POST", url, json=body, headers=headers)
        if response is not None and response.status == 200:
            conversations[deck.slug] = json.loads(response.body)["conversation_id"]
        await think(rng.uniform(0.5, 2.0), stop_at)


async def measure(phase: Phase, server_pids: Sequence[int], measure_from: float, stop_at: float) -> None:
    """Over the measured window: the CPU this process and the servers use, and how late this event loop
    wakes from a 10 ms sleep (when it is late, so is every latency we time)."""
    await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
    cpu, start = time.process_time(), time.monotonic()
    server_cpu = sum(cpu_seconds(pid) for pid in server_pids)
    while time.monotonic() < stop_at:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        phase.loop_lag_ms.append((time.perf_counter() - before - 0.01) * 1000)
    phase.seconds = time.monotonic() - start
    phase.client_cpu_s = time.process_time() - cpu
    phase.server_cpu_s = sum(cpu_seconds(pid) for pid in server_pids) - server_cpu


async def _load(
    base_urls: Sequence[str],
    decks: list[Deck],
    server_pids: Sequence[int],
    viewers: int,
    chatters: int,
    api: bool,
    seconds: float,
    seed: int,
) -> Phase:
    phase = Phase()
    # Each client is one browser: its own few connections, and its own cookies (kept for 127.0.0.1
    # too, which aiohttp's default jar refuses), so a chatter keeps its viewer session. With several
    # servers, the clients are dealt out among them, as a proxy that keeps each browser on one node.
    clients = [
        aiohttp.ClientSession(
            base_url=base_urls[i % len(base_urls)],
            connector=aiohttp.TCPConnector(limit=BROWSER_CONNECTIONS),
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
        )
        for i in range(viewers + chatters)
    ]
    rngs = [random.Random(seed * 1000 + i) for i in range(viewers + chatters)]
    measure_from = time.monotonic() + RAMP_S
    stop_at = measure_from + seconds
    samples: list[Sample] = []
    tasks = [viewer(Browser(clients[i], samples), decks, api, stop_at, rngs[i]) for i in range(viewers)]
    tasks += [
        chatter(clients[i], decks, samples, stop_at, rngs[i]) for i in range(viewers, viewers + chatters)
    ]
    await asyncio.gather(measure(phase, server_pids, measure_from, stop_at), *tasks)
    await asyncio.gather(*(client.close() for client in clients))
    phase.samples = [s for s in samples if s.at >= measure_from]
    return phase


def run_phase(
    base_url: str | Sequence[str],
    decks: list[Deck],
    server_pid: int | Sequence[int],
    *,
    viewers: int,
    chatters: int,
    api: bool,
    seconds: float,
    seed: int,
) -> Phase:
    """``seconds`` of load after the ramp, counted; the ramp runs first and is not. Several base URLs
    (and the pids of their servers) spread the clients over several servers."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    pids = [server_pid] if isinstance(server_pid, int) else list(server_pid)
    return asyncio.run(_load(urls, decks, pids, viewers, chatters, api, seconds, seed))
