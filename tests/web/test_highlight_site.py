"""Cited passages highlighted on the slide, in Chromium against a real server with extractive answers.

Where the quoted words are is worked out here, independently of the front end: from the slide's stored
lines (the slides API) through core/boxes.py, placed on the image's on-screen rect as `object-fit:
contain` draws it. Each highlight the page draws must lie on those words within a few pixels, on a
desktop, a 360 px phone and in full screen, after a click on a citation and from a deep link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from deckchat.core.boxes import Box, TextLine, located_text, quote_regions
from tests.live import LiveServer
from tests.web.browser import expect_image_loaded

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER_MS = 60_000  # the first question of a fresh server loads the embedding model
QUESTION = "How do you select a column of a DataFrame?"
CHIP = re.compile(r"^Show Slide (\d+)\b")
TOLERANCE_PX = 2.0
CITED = ".highlights-cited .highlight"
FOUND = ".highlights-found .highlight"

Rect = dict[str, float]


def lines_of(slide: dict[str, Any]) -> tuple[TextLine, ...]:
    """The slide's lines as the API sends them (fractions of the slide, edges absolute)."""
    return tuple(
        TextLine(line["start"], line["end"], Box(**line["box"]), tuple(line["edges"]))
        for line in slide["lines"]
    )


def picture(page: Page, slide: dict[str, Any]) -> Rect:
    """Where the slide picture is on screen: centred in the <img> box at the largest scale that fits."""
    box = page.locator(".stage img").bounding_box()
    assert box is not None
    scale = min(box["width"] / slide["width"], box["height"] / slide["height"])
    width, height = slide["width"] * scale, slide["height"] * scale
    return {
        "x": box["x"] + (box["width"] - width) / 2,
        "y": box["y"] + (box["height"] - height) / 2,
        "width": width,
        "height": height,
    }


def on_screen(page: Page, slide: dict[str, Any], regions: tuple[Box, ...]) -> list[Rect]:
    pic = picture(page, slide)
    return [
        {
            "x": pic["x"] + r.x * pic["width"],
            "y": pic["y"] + r.y * pic["height"],
            "width": r.w * pic["width"],
            "height": r.h * pic["height"],
        }
        for r in regions
    ]


def quoted_words(page: Page, slide: dict[str, Any], quote: str) -> list[Rect]:
    """Where the quote's words are on screen, from the slide's stored lines."""
    located = located_text(slide["title"], slide["text"])
    return on_screen(page, slide, quote_regions(quote, located, lines_of(slide)))


def drawn(page: Page, selector: str) -> list[Rect]:
    boxes = [item.bounding_box() for item in page.locator(selector).all()]
    assert all(box is not None for box in boxes)
    return [box for box in boxes if box is not None]


def assert_over(page: Page, selector: str, expected: list[Rect], what: str) -> None:
    """The page draws one highlight per expected box, each within a few px of it, letting clicks through."""
    assert expected, f"{what}: nothing to highlight"
    expect(page.locator(selector)).to_have_count(len(expected))
    page.wait_for_timeout(100)  # a resize settles in the next frame
    for got, want in zip(drawn(page, selector), expected, strict=True):
        off = max(abs(got[key] - want[key]) for key in ("x", "y", "width", "height"))
        assert off <= TOLERANCE_PX, (what, got, want)
        centre = (got["x"] + got["width"] / 2, got["y"] + got["height"] / 2)
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.tagName", list(centre))
        assert hit == "IMG", (what, hit)  # the highlight lets clicks and swipes through to the slide


def ask(page: Page, chat: Locator) -> Locator:
    """Asks QUESTION in the chat and returns the answer's citation links."""
    chat.get_by_label("Your question").fill(QUESTION)
    chat.get_by_role("button", name="Ask", exact=True).click()
    chips = chat.locator(".turn-assistant").last.get_by_role("link", name=CHIP)
    expect(chips.first).to_be_visible(timeout=ANSWER_MS)
    return chips


def cited_on_slide(chips: Locator, slides: list[dict[str, Any]]) -> tuple[Locator, int, str]:
    """The first citation whose quote is on its slide's image (a notes quote has no place there)."""
    for chip in chips.all():
        href = chip.get_attribute("href") or ""
        number = int(urlsplit(href).path.rsplit("/", 1)[1])
        quote = parse_qs(urlsplit(href).query).get("q", [""])[0]
        slide = slides[number - 1]
        if quote and quote_regions(quote, located_text(slide["title"], slide["text"]), lines_of(slide)):
            return chip, number, quote
    raise AssertionError("no citation of the answer quotes a slide's text layer")


def test_a_followed_citation_is_highlighted_over_its_words(
    server: LiveServer, deck: dict[str, Any], slides: list[dict[str, Any]], page: Page, artifacts: Path
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    page.goto(f"{viewer}/1")
    expect_image_loaded(page)
    chip, number, quote = cited_on_slide(ask(page, page.locator("#chat")), slides)
    slide = slides[number - 1]
    href = chip.get_attribute("href")
    chip.click()
    expect(page.locator(".counter")).to_have_text(f"{number} / {len(slides)}")
    expect(page).to_have_url(f"{server.url}{href}")
    expect_image_loaded(page)
    assert_over(page, CITED, quoted_words(page, slide, quote), "desktop")
    expect(page.locator(".stage")).to_have_accessible_description(re.compile(re.escape(quote[:40])))
    page.get_by_text("Slide text", exact=True).click()
    expect(page.locator(".slide-text mark")).to_have_count(1)
    page.screenshot(path=artifacts / "highlight-desktop.png")

    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement?.classList.contains('stage-frame') === true")
    assert_over(page, CITED, quoted_words(page, slide, quote), "full screen")
    page.screenshot(path=artifacts / "highlight-fullscreen.png")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    assert_over(page, CITED, quoted_words(page, slide, quote), "back from full screen")

    # Forced colours (Windows high contrast): still an outline, in the system's highlight colour.
    page.emulate_media(forced_colors="active")
    style = page.locator(CITED).first.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    highlight = page.evaluate(
        "() => { const p = document.createElement('p'); p.style.color = 'Highlight'; document.body.append(p);"
        " const c = getComputedStyle(p).color; p.remove(); return c; }"
    )
    assert style == ["solid", "2px", highlight], (style, highlight)
    page.screenshot(path=artifacts / "highlight-forced-colors.png")
    page.emulate_media(forced_colors="none")

    # The link the citation carries opens the same highlight, found from the slide's lines in the page.
    page.goto(f"{server.url}{href}")
    expect_image_loaded(page)
    assert_over(page, CITED, quoted_words(page, slide, quote), "deep link")
    page.keyboard.press("ArrowRight" if number < len(slides) else "ArrowLeft")
    expect(page.locator(CITED)).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"\?q="))
    page.goto(f"{server.url}{href}")
    expect(page.locator(CITED)).not_to_have_count(0)
    page.get_by_role("navigation", name="Slides").get_by_role("link").first.click()
    expect(page.locator(CITED)).to_have_count(0)


def test_highlight_on_a_phone_and_search_hits(
    server: LiveServer, deck: dict[str, Any], slides: list[dict[str, Any]], phone: Page, artifacts: Path
) -> None:
    viewer = f"{server.url}/d/{deck['slug']}"
    phone.goto(f"{viewer}/1")
    expect_image_loaded(phone)
    phone.get_by_role("button", name="Ask the deck").click()
    chip, number, quote = cited_on_slide(ask(phone, phone.locator("#chat")), slides)
    chip.click()
    expect(phone.locator("#chat")).to_be_hidden()
    expect(phone.locator(".counter")).to_have_text(f"{number} / {len(slides)}")
    expect_image_loaded(phone)
    slide = slides[number - 1]
    assert_over(phone, CITED, quoted_words(phone, slide, quote), "phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=artifacts / "highlight-phone.png")

    # Search in deck draws its hits on the slide shown the same way: every place the word is.
    word = max(re.findall(r"[A-Za-z]{5,}", slide["text"]), key=len)
    search = phone.get_by_role("searchbox", name="Search this deck")
    search.fill(word)
    located = located_text(slide["title"], slide["text"])
    places = [m.start() for m in re.finditer(re.escape(word.lower()), located.lower())]
    hits = [
        quote_regions(located[at : at + len(word)], located[at:], shifted(lines_of(slide), at))
        for at in places
    ]
    assert_over(phone, FOUND, [box for hit in hits for box in on_screen(phone, slide, hit)], "search")
    phone.screenshot(path=artifacts / "highlight-phone-search.png")

    # A swipe to another slide clears the citation's highlight.
    stage = phone.locator(".stage")
    box = stage.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2
    step = -150 if number < len(slides) else 150
    touch = {"pointerType": "touch", "pointerId": 3, "isPrimary": True, "clientY": y}
    stage.dispatch_event("pointerdown", {**touch, "clientX": x})
    stage.dispatch_event("pointerup", {**touch, "clientX": x + step})
    expect(phone.locator(".counter")).not_to_have_text(f"{number} / {len(slides)}")
    expect(phone.locator(CITED)).to_have_count(0)


def shifted(lines: tuple[TextLine, ...], at: int) -> tuple[TextLine, ...]:
    """The lines with offsets counted from ``at``: the boxes of a later place of a repeated word."""
    return tuple(TextLine(line.start - at, line.end - at, line.box, line.edges) for line in lines)
