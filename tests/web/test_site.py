"""The built front end in Chromium against a real server: deck list, viewer, keys, deep links, upload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.live import LiveServer
from tests.web.browser import DECK, expect_image_loaded

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_list_then_viewer_with_keys_and_reload(
    server: LiveServer, deck: dict[str, Any], owner: Page, page: Page, artifacts: Path
) -> None:
    owner.goto(f"{server.url}/")
    link = owner.get_by_role("link", name=str(deck["title"]), exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(owner).to_have_url(f"{server.url}/d/{deck['slug']}")
    expect(owner.locator(".counter")).to_have_text("1 / 10")

    # A viewer with the (unlisted) link, signed out.
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(viewer)
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
    page.screenshot(path=artifacts / "viewer.png", full_page=True)


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
    server: LiveServer, decks_dir: Path, owner: Page, tmp_path: Path
) -> None:
    page = owner
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


def test_more_keys_swipe_and_preloaded_neighbours(
    server: LiveServer, deck: dict[str, Any], slides: list[dict[str, Any]], page: Page
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(f"{viewer}/1")
    counter = page.locator(".counter")
    expect_image_loaded(page)
    for key, shown in [("End", "10"), ("PageUp", "9"), ("Home", "1"), ("PageDown", "2")]:
        page.keyboard.press(key)
        expect(counter).to_have_text(f"{shown} / 10")
    expect(page).to_have_url(f"{viewer}/2")

    # Slide 3's full image was fetched while slide 2 is in view, before anyone asked for it.
    fetched = "url => performance.getEntriesByType('resource').some(e => new URL(e.name).pathname === url)"
    page.wait_for_function(fetched, arg=slides[2]["image"])

    stage = page.locator(".stage")
    box = stage.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2
    touch = {"pointerType": "touch", "pointerId": 3, "isPrimary": True, "clientY": y}
    stage.dispatch_event("pointerdown", {**touch, "clientX": x})
    stage.dispatch_event("pointerup", {**touch, "clientX": x - 150})  # a swipe to the left: next
    expect(counter).to_have_text("3 / 10")
    stage.dispatch_event("pointerdown", {**touch, "clientX": x - 150})
    stage.dispatch_event("pointerup", {**touch, "clientX": x})
    expect(counter).to_have_text("2 / 10")

    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement?.classList.contains('stage-frame') === true")
    page.keyboard.press("ArrowRight")  # the keys still work in full screen
    expect(counter).to_have_text("3 / 10")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")


def test_search_and_transcript_jump_to_slides(
    server: LiveServer, deck: dict[str, Any], slides: list[dict[str, Any]], page: Page
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(f"{viewer}/1")
    search = page.get_by_role("searchbox", name="Search this deck")
    title = slides[4]["title"]
    assert title, "slide 5 of the pandas deck has a title"
    search.fill(title.upper())  # case does not matter
    search.press("ArrowRight")  # typing keys stay in the box
    expect(page.locator(".counter")).to_have_text("1 / 10")
    results = page.get_by_role("list", name="Search results")
    results.get_by_role("button", name=re.compile(r"^Slide 5\b")).click()
    expect(page).to_have_url(f"{viewer}/5")

    search.fill("no such words anywhere zzqx")
    expect(page.get_by_text("No slide matches")).to_be_visible()

    page.get_by_text("Transcript", exact=True).click()
    transcript = page.locator(".transcript")
    expect(transcript.locator("li")).to_have_count(10)
    expect(transcript.locator('li[aria-current="true"]')).to_contain_text(f"Slide 5: {title}")
    transcript.get_by_role("link", name=re.compile(r"^Slide 7\b")).click()
    expect(page).to_have_url(f"{viewer}/7")
    expect(page.locator(".counter")).to_have_text("7 / 10")
