"""A real server (extractive answers, so chat is instant), the pandas deck on it, and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from deckchat.api.routes.site import WEB_DIST
from tests.live import REPO, LiveServer
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DECK, PPTX

# Screenshots land here for people to look at; the folder is ignored by git.
ARTIFACTS = REPO / "test-artifacts" / "web"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    assert (WEB_DIST / "index.html").is_file(), "the front end is not built: run `npm --prefix web run build`"
    live = LiveServer(tmp_path_factory.mktemp("site") / "home", DECKCHAT_LLM="extractive")
    try:
        yield live.start()
    finally:
        live.stop()


@pytest.fixture(scope="session")
def deck(server: LiveServer, decks_dir: Path) -> dict[str, Any]:
    """The pandas deck (10 slides), uploaded over HTTP and ingested."""
    with (decks_dir / DECK).open("rb") as file:
        response = httpx.post(f"{server.url}/api/decks", files={"deck": (DECK, file, PPTX)}, timeout=60)
    assert response.status_code == 202, response.text
    ready = server.wait_ready(response.json()["id"])
    assert ready["status"] == "ready", ready
    assert ready["slide_count"] == 10
    return ready


@pytest.fixture(scope="session")
def slides(server: LiveServer, deck: dict[str, Any]) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/api/decks/{deck['id']}/slides", timeout=10)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["slides"]
    return result


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser: Browser, **context: Any) -> Iterator[Page]:
    """A fresh page; any uncaught script error in it fails the test."""
    ctx = browser.new_context(**context)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        ctx.close()
    assert not errors, errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 360 x 740 touch screen at twice the pixel density."""
    yield from _page(
        browser, viewport={"width": 360, "height": 740}, device_scale_factor=2, has_touch=True, is_mobile=True
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
