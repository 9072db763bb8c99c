"""/api/decks/{ref}/views and /analytics over the real app: viewers' views and questions reach the
owner's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.settings import Settings
from tests.api.helpers import error_code

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(home: Path, db_url: str) -> Settings:
    return Settings(home=home, database_url=db_url, llm="extractive")


def test_views_and_questions_reach_the_analytics(client: TestClient, deck: dict[str, Any]) -> None:
    views = f"/api/decks/{deck['id']}/views"
    for slide in (1, 1, 2, 4):
        assert client.post(views, json={"slide": slide}).status_code == 204
    for bad in (0, 11):
        refused = client.post(views, json={"slide": bad})
        assert refused.status_code == 422, bad
    assert error_code(client.post(views, json={"slide": 11})) == "slide_out_of_range"

    chat = f"/api/decks/{deck['id']}/chat"
    accept = {"Accept": "application/json"}
    answered = client.post(
        chat, json={"question": "How do you create a DataFrame?", "slide": 2}, headers=accept
    )
    unanswerable = "What did the speaker say about quantum cryptography?"
    refused = client.post(chat, json={"question": unanswerable, "slide": 4}, headers=accept)
    assert answered.json()["refused"] is False and refused.json()["refused"] is True
    client.post(chat, json={"question": "What is a Series?"}, headers=accept)  # from no particular slide

    report = client.get(f"/api/decks/{deck['slug']}/analytics").json()
    assert report["deck_id"] == deck["id"]
    assert report["total_views"] == 4 and report["total_questions"] == 3
    per_slide = {s["number"]: (s["views"], s["questions"]) for s in report["slides"]}
    assert len(per_slide) == 10
    assert (per_slide[1], per_slide[2], per_slide[4], per_slide[3]) == ((2, 0), (1, 1), (1, 1), (0, 0))
    assert [(u["question"], u["slide"]) for u in report["unanswered"]] == [(unanswerable, 4)]
