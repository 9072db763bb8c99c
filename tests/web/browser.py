"""What the browser tests share: the deck they use, how Chromium is started, and waits on the page."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

DECK = "ms-python-pandas-series-dataframe.pptx"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class Presenter:
    """Who owns the decks on the test server (see conftest.py)."""

    email: str
    password: str
    handle: str
    token: str  # a personal API token, for what the tests do over HTTP in the presenter's name


IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


def expect_image_loaded(page: Page) -> None:
    image = page.locator(".stage img")
    expect(image).to_be_visible()
    page.wait_for_function(IMAGE_LOADED, arg=image.element_handle())


def upload(
    api: httpx.Client, path: Path, media_type: str, timeout: float = 300, **fields: str
) -> dict[str, Any]:
    """POST /api/decks with the presenter's client, then wait until the deck is ready (asking as its
    owner: a private or password deck is theirs to see)."""
    with path.open("rb") as file:
        response = api.post("/api/decks", files={"deck": (path.name, file, media_type)}, data=fields)
    assert response.status_code == 202, response.text
    deck_id = response.json()["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deck: dict[str, Any] = api.get(f"/api/decks/{deck_id}").json()
        if deck["status"] in ("ready", "failed"):
            assert deck["status"] == "ready", deck
            return deck
        time.sleep(0.3)
    raise TimeoutError(f"deck {deck_id} not ready in {timeout} s")
