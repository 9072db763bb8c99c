"""POST /api/decks/{id}/chat over the real app: JSON and server-sent events, follow-ups, this slide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.settings import Settings
from tests.api.helpers import upload, wait_done

pytestmark = pytest.mark.slow
PANDAS = "ms-python-pandas-series-dataframe.pptx"


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings(home=home, llm="extractive")


@pytest.fixture
def deck(client: TestClient, decks_dir: Path) -> dict[str, Any]:
    created = upload(client, decks_dir / PANDAS).json()
    ready = wait_done(client, created["id"])
    assert ready["status"] == "ready"
    assert 3 <= len(ready["suggested_questions"]) <= 5
    return ready


def _ask(client: TestClient, deck_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/decks/{deck_id}/chat", json=body, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_json_answers_cite_slides(client: TestClient, deck: dict[str, Any]) -> None:
    reply = _ask(client, deck["id"], question="How do you create a DataFrame?")
    assert set(reply) == {"answer", "citations", "refused", "llm", "grounding_replaced", "conversation_id"}
    assert not reply["refused"] and reply["llm"] == "extractive" and reply["citations"]
    assert all(1 <= c["slide"] <= 10 and c["quote"] for c in reply["citations"])


def test_unanswerable_questions_are_refused(client: TestClient, deck: dict[str, Any]) -> None:
    reply = _ask(client, deck["id"], question="What was Microsoft's revenue in 2016?")
    assert reply["refused"] and reply["citations"] == []
    assert reply["answer"].startswith(("The deck doesn't say.", "The deck doesn't mention"))


def test_events_stream_tokens_then_the_answer(client: TestClient, deck: dict[str, Any]) -> None:
    events: list[tuple[str, Any]] = []
    with client.stream(
        "POST",
        f"/api/decks/{deck['id']}/chat",
        json={"question": "What is a Series?"},
        headers={"Accept": "text/event-stream"},
    ) as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    assert [n for n, _ in events[:-1]] == ["token"] * (len(events) - 1) and events[-1][0] == "answer"
    assert "".join(d["text"] for _, d in events[:-1]) == events[-1][1]["answer"]


def test_follow_ups_and_this_slide(client: TestClient, deck: dict[str, Any]) -> None:
    first = _ask(client, deck["id"], question="How do you select a column of a DataFrame?")
    follow = _ask(client, deck["id"], question="and a row?", conversation_id=first["conversation_id"])
    assert follow["conversation_id"] == first["conversation_id"] and not follow["refused"]
    on_slide = _ask(client, deck["id"], question="What is on this slide?", slide=4)
    assert [c["slide"] for c in on_slide["citations"]][:1] == [4]


def test_chat_errors(client: TestClient, deck: dict[str, Any]) -> None:
    bad_slide = client.post(f"/api/decks/{deck['id']}/chat", json={"question": "Hi?", "slide": 99})
    assert (bad_slide.status_code, bad_slide.json()["error"]["code"]) == (422, "invalid_slide")
    missing = client.post("/api/decks/nope/chat", json={"question": "Hi?"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "deck_not_found")
    empty = client.post(f"/api/decks/{deck['id']}/chat", json={"question": ""})
    assert empty.json()["error"]["code"] == "invalid_request"
