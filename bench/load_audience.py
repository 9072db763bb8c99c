"""The audience mode of bench/load.py: a talk's room on one address, and two clients that flood.

A talk's audience often shares one public address (a venue's Wi-Fi). Every client here connects from
127.0.0.1, so the server sees what it would see behind a venue's NAT:
  room            - N viewers, each a browser with its own cookies, asking the talk's deck questions at a
                    realistic pace: PACE questions per ten minutes each, at random moments. A question
                    refused with 429 is asked once more after its Retry-After, as the chat panel's
                    "busy: wait" message invites a person to.
  session flooder - one client asking FLOOD questions a second that keeps its cookie: one session.
  cookie dropper  - one client asking FLOOD questions a second that drops its cookie every time, so each
                    question starts a new viewer session.
Neither flooder waits for a Retry-After. The figures: the share of the room's questions answered, and
each flooder's share of 429s.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from load_clients import TIMEOUT_S, Deck, Sample, think, timed  # beside this script, on sys.path

ROOM_TARGET = 0.99  # the room's questions answered, with at most one retry each
FLOOD_TARGET = 0.9  # a one-session flooder's requests refused
TEN_MINUTES_S = 600.0
LONGEST_WAIT_S = 60.0  # a person waits for a "busy" message this long at most, then gives up


@dataclass
class AudienceRun:
    """What one audience run produced: each group's requests, and the room's questions."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)
    answered_first: int = 0
    answered_on_retry: int = 0
    unanswered: int = 0
    cut_off: int = 0  # refused, and the run ended before the Retry-After did


async def viewer(
    client: aiohttp.ClientSession,
    deck: Deck,
    pace: float,
    stop_at: float,
    rng: random.Random,
    room: AudienceRun,
) -> None:
    """One person in the room: asks at random moments, ``pace`` questions per ten minutes on average."""
    samples = room.samples.setdefault("room", [])
    url = f"/api/decks/{deck.slug}/chat"
    while True:
        await think(rng.expovariate(pace / TEN_MINUTES_S), stop_at)
        if time.monotonic() >= stop_at:
            return
        body = {"question": rng.choice(deck.questions)}
        reply = await timed(client, samples, "chat", "POST", url, json=body, headers=_JSON)
        if reply is not None and reply.status == 200:
            room.answered_first += 1
            continue
        wait = float(reply.headers.get("retry-after", "nan")) if reply is not None else float("nan")
        if reply is None or reply.status != 429 or not wait <= LONGEST_WAIT_S:
            room.unanswered += 1
            continue
        await think(wait, stop_at)
        if time.monotonic() >= stop_at:  # the run ended first: counted in no share
            room.cut_off += 1
            return
        again = await timed(client, samples, "chat", "POST", url, json=body, headers=_JSON)
        if again is not None and again.status == 200:
            room.answered_on_retry += 1
        else:
            room.unanswered += 1


async def flooder(
    client: aiohttp.ClientSession, deck: Deck, per_second: float, stop_at: float, samples: list[Sample]
) -> None:
    """Questions at a fixed rate, whatever the answers say."""
    url, body = f"/api/decks/{deck.slug}/chat", {"question": deck.questions[0]}
    next_at = time.monotonic()
    while next_at < stop_at:
        await timed(client, samples, "chat", "POST", url, json=body, headers=_JSON)
        next_at += 1 / per_second
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))


_JSON = {"Accept": "application/json"}


def _browser(base_url: str, jar: aiohttp.abc.AbstractCookieJar) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        base_url=base_url,
        connector=aiohttp.TCPConnector(limit=2),
        cookie_jar=jar,
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
    )


async def _audience(
    base_url: str, deck: Deck, viewers: int, pace: float, flood: float, seconds: float, seed: int
) -> AudienceRun:
    room = AudienceRun()
    stop_at = time.monotonic() + seconds
    # Cookies kept for 127.0.0.1 too (aiohttp's default jar refuses them), as a browser keeps them.
    people = [_browser(base_url, aiohttp.CookieJar(unsafe=True)) for _ in range(viewers)]
    keeper = _browser(base_url, aiohttp.CookieJar(unsafe=True))
    dropper = _browser(base_url, aiohttp.DummyCookieJar())
    tasks = [
        viewer(c, deck, pace, stop_at, random.Random(seed * 1000 + i), room) for i, c in enumerate(people)
    ]
    if flood > 0:
        tasks.append(flooder(keeper, deck, flood, stop_at, room.samples.setdefault("session flooder", [])))
        tasks.append(flooder(dropper, deck, flood, stop_at, room.samples.setdefault("cookie dropper", [])))
    await asyncio.gather(*tasks)
    await asyncio.gather(*(c.close() for c in [*people, keeper, dropper]))
    return room


def run_audience(
    base_url: str, deck: Deck, *, viewers: int, pace: float, flood: float, seconds: float, seed: int
) -> AudienceRun:
    return asyncio.run(_audience(base_url, deck, viewers, pace, flood, seconds, seed))


def figures(room: AudienceRun) -> dict[str, Any]:
    """Each group's requests by status, the room's answered share and the flooders' 429 shares."""
    groups = {}
    for name, samples in room.samples.items():
        statuses: dict[str, int] = {}
        for s in samples:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        throttled = [s for s in samples if s.status == 429]
        groups[name] = {
            "requests": len(samples),
            "statuses": dict(sorted(statuses.items())),
            "share_429": round(len(throttled) / len(samples), 3) if samples else None,
            "429_without_retry_after": sum(not s.retry_after for s in throttled),
        }
    questions = room.answered_first + room.answered_on_retry + room.unanswered
    return {
        "groups": groups,
        "room_questions": questions,
        "room_answered_first_try": room.answered_first,
        "room_answered_on_retry": room.answered_on_retry,
        "room_unanswered": room.unanswered,
        "room_cut_off_before_retry": room.cut_off,
        "room_answered_share": round((room.answered_first + room.answered_on_retry) / questions, 3)
        if questions
        else None,
    }


def checks(result: dict[str, Any]) -> dict[str, bool]:
    """What the server's current limits must do for the room and against the floods."""
    groups = result["groups"]
    every = list(groups.values())
    found = {
        f"room answered >= {ROOM_TARGET:.0%}": (result["room_answered_share"] or 0.0) >= ROOM_TARGET,
        "no 5xx": not any(int(k) >= 500 for g in every for k in g["statuses"]),
        "no connection errors": not any("0" in g["statuses"] for g in every),
        "every 429 has Retry-After": not any(g["429_without_retry_after"] for g in every),
    }
    if "session flooder" in groups:  # not with --flood 0
        found[f"session flooder refused >= {FLOOD_TARGET:.0%}"] = (
            groups["session flooder"]["share_429"] >= FLOOD_TARGET
        )
    return found


def print_audience(label: str, result: dict[str, Any]) -> None:
    print(f"{label}")
    print(f"  {'group':<17}{'requests':>9}{'200':>7}{'429':>7}{'other':>7}{'429 share':>11}")
    for name, group in result["groups"].items():
        statuses = group["statuses"]
        other = group["requests"] - statuses.get("200", 0) - statuses.get("429", 0)
        share = group["share_429"]
        print(
            f"  {name:<17}{group['requests']:>9}{statuses.get('200', 0):>7}{statuses.get('429', 0):>7}"
            f"{other:>7}{'-' if share is None else f'{share:.1%}':>11}"
        )
    share = result["room_answered_share"]
    print(
        f"  the room's {result['room_questions']} questions: {result['room_answered_first_try']} answered "
        f"at once, {result['room_answered_on_retry']} after one retry, {result['room_unanswered']} not; "
        f"answered share {'-' if share is None else f'{share:.1%}'}"
        f" ({result['room_cut_off_before_retry']} refused too near the end to retry, not counted)\n"
    )
