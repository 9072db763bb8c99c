from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

PRESENTER = "presenter@example.com"


def sign_in_presenter(client: TestClient) -> None:
    """Make every request of a started app's test client a presenter's, by API token."""
    accounts = client.app.state.accounts  # type: ignore[attr-defined]
    accounts.add_user(PRESENTER, None)
    _, token = accounts.create_token(PRESENTER, "tests")
    client.headers["Authorization"] = f"Bearer {token}"


def upload(client: TestClient, deck: Path, *notes: Path, **fields: str) -> Any:
    files = [("deck", (deck.name, deck.read_bytes()))]
    files += [("notes", (n.name, n.read_bytes())) for n in notes]
    return client.post("/api/decks", files=files, data=fields)


def wait_done(client: TestClient, deck_id: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deck: dict[str, Any] = client.get(f"/api/decks/{deck_id}").json()
        if deck["status"] in ("ready", "failed"):
            return deck
        time.sleep(0.2)
    raise TimeoutError(deck_id)
