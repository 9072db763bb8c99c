"""The built front end in Chromium against a real server: deck list, viewer, keys, deep links, upload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from deckchat.api.routes.site import WEB_DIST
from tests.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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
IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    assert (WEB_DIST / "index.html").is_file(), "the front end is not built: run `npm --prefix web run build`"
    live = LiveServer(tmp_path_factory.mktemp("site") / "home")
    try:
        yield live.start()
    finally:
        live.stop()


@pytest.fixture(scope="module")
def deck(server: LiveServer, decks_dir: Path) -> dict[str, Any]:
    """The pandas deck (10 slides), uploaded over HTTP and ingested."""
    with (decks_dir / DECK).open("rb") as file:
        response = httpx.post(f"{server.url}/api/decks", files={"deck": (DECK, file, PPTX)}, timeout=60)
    assert response.status_code == 202, response.text
    ready = server.wait_ready(response.json()["id"])
    assert ready["status"] == "ready", ready
    assert ready["slide_count"] == 10
    return ready


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; any uncaught script error in it fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def expect_image_loaded(page: Page) -> None:
    image = page.locator(".stage img")
    expect(image).to_be_visible()
    page.wait_for_function(IMAGE_LOADED, arg=image.element_handle())


def test_list_then_viewer_with_keys_and_reload(
    server: LiveServer, deck: dict[str, Any], page: Page, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/")
    link = page.get_by_role("link", name=str(deck["title"]), exact=True)
    expect(link).to_be_visible()
    link.click()

    viewer = f"{server.url}/d/{deck['slug']}"
    expect(page).to_have_url(viewer)
    counter = page.locator(".counter")
    expect(counter).to_have_text("1 / 10")
    expect_image_loaded(page)

    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{viewer}/2")
    expect(counter).to_have_text("2 / 10")

    page.reload()
    expect(page).to_have_url(f"{viewer}/2")
    expect(counter).to_have_text("2 / 10")
    expect_image_loaded(page)
    page.screenshot(path=tmp_path / "viewer.png", full_page=True)


def test_buttons_thumbnails_and_out_of_range_links(
    server: LiveServer, deck: dict[str, Any], page: Page
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(f"{viewer}/99")
    expect(page).to_have_url(f"{viewer}/10")  # clamped to the last slide
    expect(page.locator(".counter")).to_have_text("10 / 10")
    expect(page.get_by_role("button", name="Next slide")).to_be_disabled()

    page.get_by_role("button", name="Previous slide").click()
    expect(page).to_have_url(f"{viewer}/9")

    page.get_by_role("navigation", name="Slides").get_by_role("link", name=re.compile(r"^Slide 4\b")).click()
    expect(page).to_have_url(f"{viewer}/4")
    expect(page.locator(".counter")).to_have_text("4 / 10")
    current = page.locator('.thumbnails [aria-current="page"]')
    expect(current).to_have_attribute("href", f"/d/{deck['slug']}/4")

    page.get_by_text("Slide text", exact=True).click()
    expect(page.locator(".slide-text p").first).to_be_visible()


def test_upload_form_shows_errors_and_progress(
    server: LiveServer, decks_dir: Path, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/")
    fake = tmp_path / "slides.pdf"
    fake.write_text("these are not slides")
    page.get_by_label(re.compile(r"^Deck")).set_input_files(fake)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("slides.pdf")  # the server's sentence, not a code

    page.get_by_label(re.compile(r"^Deck")).set_input_files(decks_dir / DECK)
    page.get_by_label(re.compile(r"^Title")).fill("Uploaded from the browser")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Uploaded from the browser", exact=True)).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Processing “Uploaded from the browser”")  # PPTX conversion takes seconds
    expect(status).to_contain_text("“Uploaded from the browser” is ready", timeout=180_000)
    expect(page.get_by_role("alert")).to_have_count(0)
