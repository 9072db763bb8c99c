from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from deckchat.jobs.in_process import ingest_now
from tests.ingest.hostile import pages_pdf

PRESENTER = "presenter@example.com"
PANDAS = "ms-python-pandas-series-dataframe.pptx"  # 10 slides, through LibreOffice


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


def error_code(response: Any) -> str:
    code: str = response.json()["error"]["code"]
    return code


def one_page_deck(client: TestClient, folder: Path, name: str, **options: Any) -> dict[str, str]:
    """A ready one-page deck owned by PRESENTER (an account already), ingested in this process into the
    started app's services; the options are ``DeckService.add``'s. Returns its id, slug and image URL."""
    services = client.app.state.services  # type: ignore[attr-defined]
    owner = client.app.state.accounts.user(PRESENTER)  # type: ignore[attr-defined]
    path = pages_pdf(folder, 1, f"{name}.pdf", text=f"The {name} deck says hello")
    deck_id = ingest_now(services, path, owner_id=owner.id, **options)
    image = services.content.slides(deck_id)[0].image
    return {"id": deck_id, "slug": services.decks.get(deck_id).slug, "image": image}
