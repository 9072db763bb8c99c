from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient


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
