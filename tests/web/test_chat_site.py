"""The chat beside the deck in Chromium against a real server with extractive answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.live import LiveServer
from tests.web.browser import expect_image_loaded

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The first question of a fresh server loads the embedding model: give answers time.
ANSWER_MS = 60_000
QUESTION = "How do you select a column of a DataFrame?"
CHIP = re.compile(r"^Show Slide (\d+)\b")
CHAT = re.compile(r"/api/decks/[^/]+/chat$")


def chat_panel(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Ask the deck")


def cited_slide(chip: Locator) -> int:
    match = CHIP.match(chip.get_attribute("aria-label") or "")
    assert match, chip.get_attribute("aria-label")
    return int(match.group(1))


def test_answer_streams_in_and_a_citation_moves_the_viewer(
    server: LiveServer, deck: dict[str, Any], page: Page, artifacts: Path
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(f"{viewer}/10")
    expect_image_loaded(page)
    chat = chat_panel(page)
    expect(chat).to_be_visible()  # beside the slides on a wide screen, no toggle needed
    expect(page.get_by_role("button", name="Ask the deck")).to_be_hidden()

    # Chromium keeps no body for a response read as a stream, so the route reads the server's reply
    # on the way through: the page still parses the real server's events.
    seen: dict[str, str] = {}

    def relay(route: Route) -> None:
        response = route.fetch()
        seen["type"], seen["body"] = response.headers["content-type"], response.text()
        route.fulfill(response=response)

    page.route(CHAT, relay)
    chat.get_by_label("Your question").fill(QUESTION)
    chat.get_by_role("button", name="Ask", exact=True).click()
    expect(chat.locator(".turn-user .bubble")).to_have_text(QUESTION)
    answer = chat.locator(".turn-assistant").last
    expect(answer.locator(".bubble")).not_to_be_empty(timeout=ANSWER_MS)
    assert seen["type"].startswith("text/event-stream")
    assert seen["body"].index("event: token") < seen["body"].index("event: answer"), seen["body"]
    chip = answer.get_by_role("link", name=CHIP).first
    expect(chip).to_be_visible()
    expect(chip.locator("img")).to_have_count(1)
    slide = cited_slide(chip)
    assert slide != 10, "the answer should point away from the last slide"
    page.screenshot(path=artifacts / "chat-answer.png")

    chip.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(viewer)}/{slide}\?q="))  # the quote, highlighted
    expect(page.locator(".counter")).to_have_text(f"{slide} / 10")
    stage = page.locator(".stage")
    expect(stage).to_have_class(re.compile(r"\bcited\b"))
    expect(stage).to_be_focused()
    expect(stage).not_to_have_class(re.compile(r"\bcited\b"), timeout=4000)  # only for a moment

    page.reload()  # the conversation is kept for the tab
    expect(chat.locator(".turn-user .bubble")).to_have_text(QUESTION)
    expect(chat.get_by_role("link", name=CHIP).first).to_be_visible()


def test_ask_about_this_slide(server: LiveServer, deck: dict[str, Any], page: Page) -> None:
    page.goto(f"{server.url}/d/{deck['slug']}/3")
    chat = chat_panel(page)
    chat.get_by_role("button", name="Ask about slide 3").click()
    expect(chat.locator(".turn-user")).to_contain_text("About slide 3")
    expect(chat.get_by_role("link", name=re.compile(r"^Show Slide 3\b"))).to_be_visible(timeout=ANSWER_MS)


def test_busy_server_then_retry(server: LiveServer, deck: dict[str, Any], page: Page) -> None:
    def busy(route: Route) -> None:
        route.fulfill(
            status=503,
            headers={"Retry-After": "2"},
            json={"error": {"code": "busy", "message": "Too many questions at once."}},
        )

    page.route(CHAT, busy)
    page.goto(f"{server.url}/d/{deck['slug']}/2")
    chat = chat_panel(page)
    chat.get_by_label("Your question").fill(QUESTION)
    chat.get_by_label("Your question").press("Enter")
    expect(chat.get_by_role("status")).to_contain_text(re.compile(r"busy\. Retry in [12] s"))
    retry = chat.get_by_role("button", name=re.compile(r"^Retry"))
    expect(retry).to_be_disabled()

    page.unroute(CHAT)
    expect(retry).to_be_enabled(timeout=5000)
    retry.click()
    expect(chat.get_by_role("link", name=CHIP).first).to_be_visible(timeout=ANSWER_MS)
    expect(chat.locator(".turn-user .bubble")).to_have_text(QUESTION)  # asked once, not twice


def test_phone_layout_chat_is_a_drawer(
    server: LiveServer, deck: dict[str, Any], slides: list[dict[str, Any]], phone: Page, artifacts: Path
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    phone.goto(f"{viewer}/2")
    expect_image_loaded(phone)
    # Sharp at twice the density: the 360 px stage takes the full image, not the 320 px thumbnail.
    current = phone.locator(".stage img").evaluate("img => new URL(img.currentSrc).pathname")
    assert current == slides[1]["image"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    phone.screenshot(path=artifacts / "phone-viewer.png")

    drawer = phone.locator("#chat")
    expect(drawer).to_be_hidden()
    toggle = phone.get_by_role("button", name="Ask the deck")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(drawer).to_be_visible()
    expect(phone.get_by_label("Your question")).to_be_focused()

    assert deck["suggested_questions"], "the pandas deck has suggested questions"
    starters = drawer.get_by_role("list", name="Suggested questions")
    starters.get_by_role("button").first.click()
    chip = drawer.get_by_role("link", name=CHIP).first
    expect(chip).to_be_visible(timeout=ANSWER_MS)
    box = drawer.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    phone.screenshot(path=artifacts / "phone-chat.png")

    slide = cited_slide(chip)
    chip.click()
    expect(drawer).to_be_hidden()  # out of the way of the slide it points at
    expect(phone).to_have_url(re.compile(rf"^{re.escape(viewer)}/{slide}\?q="))

    toggle.click()
    expect(drawer).to_be_visible()
    phone.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(toggle).to_be_focused()
