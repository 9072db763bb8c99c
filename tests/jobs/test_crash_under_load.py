"""kill -9 a real server under load with an ingestion in flight: nothing it accepted or answered is lost."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pypdfium2 as pdfium
import pytest

from deckchat.ingest.validate import SourceFile
from deckchat.services.app_services import open_services
from deckchat.settings import Settings
from deckchat.store import conversations
from tests.live import LiveServer, cli_add

pytestmark = pytest.mark.slow

# PDFs with no slide that needs OCR: no LibreOffice and no OCR model to wait for.
READY_DECK = "bsides-2016-sms-otp-not-secure-beamer.pdf"  # added with the CLI before the server starts
# Queued while the server runs and killed mid-ingest; ingested again after the restart, so only its
# first slides: the whole deck would take the test past a minute.
IN_FLIGHT_DECK, IN_FLIGHT_SLIDES = "k8s-new-contributor-orientation-2025-04.pdf", 12
CHATTERS, IMAGE_FETCHERS = 3, 3
LOAD_S = 4.0
TURNS_PER_CONVERSATION = 3  # well under the 20 messages a conversation keeps


@dataclass(frozen=True)
class Turn:
    conversation_id: str
    question: str
    answer: str


class Load:
    """Chat and image requests from a few threads, until the server goes away or ``stop`` is set."""

    def __init__(self, url: str, slug: str, questions: list[str], images: list[str]) -> None:
        self.url, self.slug, self.questions, self.images = url, slug, questions, images
        self.turns: list[Turn] = []  # every answer that came back 200
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._chat, args=(i,)) for i in range(CHATTERS)]
        self._threads += [threading.Thread(target=self._fetch, args=(i,)) for i in range(IMAGE_FETCHERS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _chat(self, offset: int) -> None:
        """Ask the deck's questions in turn, a few follow-ups per conversation."""
        conversation: str | None = None
        answered = 0
        with httpx.Client(base_url=self.url, timeout=30) as client:
            for n in itertools.count(offset):
                question = self.questions[n % len(self.questions)]
                reply = self._send(partial(ask, client, self.slug, question, conversation))
                if reply is None:
                    return
                if reply.status_code == 200:
                    answer = reply.json()
                    with self._lock:
                        self.turns.append(Turn(answer["conversation_id"], question, answer["answer"]))
                    answered += 1
                    follow_up = answered % TURNS_PER_CONVERSATION != 0
                    conversation = answer["conversation_id"] if follow_up else None
                if self.stop.is_set():
                    return

    def _fetch(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            for n in itertools.count(offset):
                url = self.images[n % len(self.images)]
                if self._send(partial(client.get, url)) is None or self.stop.is_set():
                    return

    def _send(self, request: Callable[[], httpx.Response]) -> httpx.Response | None:
        """The response, or None once the server is gone (the kill)."""
        try:
            response = request()
        except httpx.TransportError:
            return None
        with self._lock:
            self.statuses.append(response.status_code)
        return response


def ask(client: httpx.Client, slug: str, question: str, conversation: str | None = None) -> httpx.Response:
    body = {"question": question} | ({"conversation_id": conversation} if conversation else {})
    return client.post(f"/api/decks/{slug}/chat", json=body, headers={"Accept": "application/json"})


def queue_upload(home: Path, path: Path) -> str:
    """Queue a deck for the running server's job loop, as the upload route does; returns its id.

    Not over HTTP, where uploads are about to need a signed-in owner; and not with `deckchat add`,
    which runs the job in its own process, out of reach of the kill."""
    services = open_services(Settings(home=home))
    try:
        deck_id, _ = services.decks.add(SourceFile(path, path.name), visibility="public")
    finally:
        services.close()
    return deck_id


def excerpt(source: Path, pages: int, out: Path) -> Path:
    """The first pages of a real deck, saved as a deck of their own."""
    whole, part = pdfium.PdfDocument(source), pdfium.PdfDocument.new()
    try:
        part.import_pages(whole, list(range(pages)))
        part.save(out)
    finally:
        part.close()
        whole.close()
    return out


def questions_for(decks_dir: Path, deck: str) -> list[str]:
    rows = [json.loads(line) for line in (decks_dir / "qa.jsonl").read_text().splitlines() if line.strip()]
    return [row["question"] for row in rows if row["deck"] == deck]


def deck_state(server: LiveServer, deck_id: str) -> dict[str, object]:
    state: dict[str, object] = httpx.get(f"{server.url}/api/decks/{deck_id}", timeout=10).json()
    return state


def stage(state: dict[str, object]) -> str:
    progress = state["progress"]
    assert isinstance(progress, dict)
    return str(progress["stage"])


def wait_until_running(server: LiveServer, deck_id: str, timeout: float = 30) -> None:
    """Until one of the server's workers has claimed the job and begun it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = deck_state(server, deck_id)
        assert state["status"] in ("queued", "processing"), state
        if stage(state) not in ("queued", "validate"):
            return
        time.sleep(0.1)
    raise TimeoutError(f"no worker began deck {deck_id}")


def load_until_kill(server: LiveServer, in_flight: str) -> None:
    """LOAD_S seconds of load, cut short if the ingestion nears its end: the kill must find it running."""
    deadline = time.monotonic() + LOAD_S
    while time.monotonic() < deadline and stage(deck_state(server, in_flight)) not in ("index", "store"):
        time.sleep(0.2)
    assert deck_state(server, in_flight)["status"] == "processing"
    server.kill()


def stored_turns(home: Path, conversation_id: str) -> list[tuple[str, str]]:
    """A conversation's (question, answer) pairs, read from the database the server writes."""
    services = open_services(Settings(home=home))
    try:
        with services.db.session() as session:
            messages = conversations.history(session, conversation_id)
    finally:
        services.close()
    questions = [m.content for m in messages if m.role == "user"]
    answers = [m.content for m in messages if m.role == "assistant"]
    return list(zip(questions, answers, strict=True))


def test_a_server_killed_under_load_loses_nothing_it_accepted_or_answered(
    tmp_path: Path, decks_dir: Path
) -> None:
    home = tmp_path / "home"
    ready = cli_add(home, decks_dir / READY_DECK, "--visibility", "public")
    slug, questions = str(ready["slug"]), questions_for(decks_dir, READY_DECK)
    server = LiveServer(home, DECKCHAT_LLM="extractive")
    try:
        server.start()
        slides = httpx.get(f"{server.url}/api/decks/{slug}/slides", timeout=30).json()["slides"]
        images = [url for s in slides for url in (s["image"], s["thumbnail"])]
        # The first question loads the embedder; asked before the load, so that the load is not all waiting.
        with httpx.Client(base_url=server.url, timeout=120) as client:
            assert ask(client, slug, questions[0]).status_code == 200
        part = excerpt(decks_dir / IN_FLIGHT_DECK, IN_FLIGHT_SLIDES, tmp_path / f"first-{IN_FLIGHT_DECK}")
        in_flight = queue_upload(home, part)
        wait_until_running(server, in_flight)
        load = Load(server.url, slug, questions, images)
        load.start()
        load_until_kill(server, in_flight)  # while the load is still sending
        load.join()
        assert load.turns, "no question was answered before the kill"
        assert set(load.statuses) <= {200, 304, 429}, sorted(set(load.statuses))

        server = LiveServer(home, DECKCHAT_LLM="extractive")
        server.start()
        deck = deck_state(server, str(ready["id"]))
        assert deck["status"] == "ready" and deck["slide_count"] == ready["slide_count"], deck
        late = server.wait_ready(in_flight, timeout=180)  # the restarted server retries the job
        assert late["status"] == "ready" and late["slide_count"] == IN_FLIGHT_SLIDES, late

        answered: dict[str, list[tuple[str, str]]] = {}
        for turn in load.turns:
            answered.setdefault(turn.conversation_id, []).append((turn.question, turn.answer))
        for conversation_id, turns in answered.items():
            # The question in flight at the kill may be stored, its answer never having reached us.
            assert stored_turns(home, conversation_id)[: len(turns)] == turns, conversation_id
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for conversation_id in list(answered)[:3]:
                before = len(stored_turns(home, conversation_id))
                reply = ask(client, slug, "And what about TOTP?", conversation_id)
                assert reply.status_code == 200 and reply.json()["conversation_id"] == conversation_id
                assert len(stored_turns(home, conversation_id)) == before + 1
    finally:
        server.stop()
