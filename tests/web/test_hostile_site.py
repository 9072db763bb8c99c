"""A deck full of script, HTML, Markdown and prompt injection, in Chromium against a real server.

Nothing the deck supplies may run or reach another origin: every page records dialogs, popups,
console errors and every request, and aborts any request that leaves the test server. The hostile
text must show as literal text, the DOM must hold no element or attribute that came from it, and the
chat's answers about it must leak neither the system prompt nor the other deck's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from deckchat.chat.prompt import DECLINE
from deckchat.services.app_services import open_services
from deckchat.settings import Settings
from tests.live import LiveServer, cli, cli_add
from tests.web import hostile_deck as hostile
from tests.web.browser import DECK, expect_image_loaded
from tests.web.inert import INSPECT, Guard, assert_inert

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("hostile_site")]

ANSWER_MS = 60_000
CHAT = re.compile(r"/api/decks/[^/]+/chat$")
OTHER_DECK_QUESTION = "What does the other deck say about Heathrow and Schiphol airports?"
# The answer, Changi, is in the other deck only.
OTHER_DECK_FACT = "Which airport is the fifth row of the example DataFrame table?"
PRESENTER = {"email": "presenter@example.test", "password": "correct horse battery staple"}
# Markup in a question the deck can't answer: shown back in the chat, and in the dashboard's analytics.
HOSTILE_QUESTION = "<details open ontoggle=confirm('question')>Who won the 1974 World Cup final?"


@dataclass(frozen=True)
class Site:
    server: LiveServer
    hostile: dict[str, Any]
    normal: dict[str, Any]
    accounts: bool  # whether this install has presenters who sign in

    def viewer(self, n: int | None = None, deck: dict[str, Any] | None = None) -> str:
        slug = (deck or self.hostile)["slug"]
        return f"{self.server.url}/d/{slug}" + (f"/{n}" if n else "")


def add_presenter(home: Path) -> bool:
    """Where this install has accounts, the presenter who will own the decks added next (the first user
    does); False where it has none yet."""
    done = cli(
        home, "user", "add", PRESENTER["email"], "--password-stdin", stdin=PRESENTER["password"] + "\n"
    )
    if done.returncode != 0 and "No such command 'user'" in done.stderr:
        return False
    assert done.returncode == 0, done.stderr[-2000:]
    return True


def sign_in(page: Page, site: Site) -> None:
    """The dashboard is the presenter's own."""
    if site.accounts:
        response = page.request.post(f"{site.server.url}/api/session", data=PRESENTER)
        assert response.ok, response.text()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, decks_dir: Path) -> Iterator[Site]:
    """The hostile deck (notes public, a hostile title and description) and the pandas deck, added
    with the CLI before the server starts."""
    files = tmp_path_factory.mktemp("hostile-files")
    home = tmp_path_factory.mktemp("hostile-site") / "home"
    deck, notes = hostile.write_hostile_deck(files), hostile.write_hostile_notes(files)
    accounts = add_presenter(home)
    made = cli_add(home, deck, "--notes", notes, "--title", hostile.TITLE, "--visibility", "public")
    normal = cli_add(home, decks_dir / DECK, "--visibility", "public")
    services = open_services(Settings(home=home))
    try:
        services.decks.update(made["id"], {"notes_mode": "public", "description": hostile.DESCRIPTION})
    finally:
        services.close()
    live = LiveServer(home, DECKCHAT_LLM="extractive")
    try:
        yield Site(live.start(), made, normal, accounts)
    finally:
        live.stop()


@pytest.fixture
def guarded(browser: Browser, site: Site) -> Iterator[tuple[Page, Guard]]:
    """A page whose every request, dialog, popup and console error is recorded; other origins are cut off.

    The server's Content-Security-Policy (tests/api/test_headers.py checks it) is switched off: the page
    must be inert without that second wall."""
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    guard = Guard(site.server.url, CHAT)
    context.on("page", guard.watch)
    context.on("request", guard.on_request)
    context.route("**/*", guard.route)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.server.url)
    page = context.new_page()
    try:
        yield page, guard
        page.wait_for_timeout(500)  # a late onerror or a deferred load would show up here
        if guard.checked != guard.tally():  # the test failed first, or something came after its check
            guard.assert_clean()
    finally:
        context.close()


def deck_card(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title, exact=True))


def slides_of(site: Site, deck: dict[str, Any]) -> list[dict[str, Any]]:
    response = httpx.get(f"{site.server.url}/api/decks/{deck['id']}/slides", timeout=10)
    assert response.status_code == 200, response.text
    slides: list[dict[str, Any]] = response.json()["slides"]
    return slides


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_api_keeps_every_payload_verbatim(site: Site) -> None:
    """The ground truth for the browser checks: the server stored the hostile text unchanged."""
    deck = httpx.get(f"{site.server.url}/api/decks/{site.hostile['id']}", timeout=10).json()
    assert deck["title"] == hostile.TITLE and deck["description"] == hostile.DESCRIPTION
    assert deck["notes_mode"] == "public"
    slides = slides_of(site, site.hostile)
    assert [s["title"] for s in slides] == [spec.title for spec in hostile.SLIDES]
    for slide, spec in zip(slides, hostile.SLIDES, strict=True):
        for line in [*spec.body, *spec.notes]:
            assert line in slide["text"] + slide["notes"], (slide["number"], line)


def test_slides_notes_and_transcript_show_text_as_text(guarded: tuple[Page, Guard], site: Site) -> None:
    page, guard = guarded
    slides = slides_of(site, site.hostile)
    for slide in slides:
        page.goto(site.viewer(slide["number"]))
        expect(page.locator(".counter")).to_have_text(f"{slide['number']} / {len(slides)}")
        expect_image_loaded(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(hostile.TITLE)
        expect(page).to_have_title(re.compile(f"^{re.escape(hostile.TITLE)}"))
        page.get_by_text("Slide text", exact=True).click()
        shown = page.locator(".slide-text")
        for line in lines(slide["text"]) + lines(slide["notes"]):
            expect(shown).to_contain_text(line)
        assert_inert(page)
    page.get_by_text("Transcript", exact=True).click()
    transcript = page.locator(".transcript")
    expect(transcript.locator("li")).to_have_count(len(slides))
    for slide in slides:
        item = transcript.locator("li").nth(slide["number"] - 1)
        expect(item.locator("h3")).to_have_text(f"Slide {slide['number']}: {slide['title']}")
        for line in lines(slide["text"]) + lines(slide["notes"]):
            expect(item).to_contain_text(line)
    expect(transcript.get_by_text(hostile.SCRIPT).first).to_be_visible()
    assert_inert(page)
    guard.assert_clean()


def test_search_snippets_show_hostile_text_as_text(guarded: tuple[Page, Guard], site: Site) -> None:
    page, guard = guarded
    page.goto(site.viewer(1))
    search = page.get_by_role("searchbox", name="Search this deck")
    results = page.get_by_role("list", name="Search results")
    for query, slide in [("onerror=alert('slide-3-title')", 3), ("<svg onload=alert('slide-2')>", 2)]:
        search.fill(query)
        expect(results.get_by_role("button").first).to_contain_text(query)
        assert_inert(page)
        results.get_by_role("button", name=re.compile(rf"^Slide {slide}\b")).click()
        expect(page).to_have_url(site.viewer(slide))
    search.fill("{{constructor.constructor")
    expect(results.get_by_role("button").first).to_contain_text("{{constructor.constructor('alert(")
    assert_inert(page)
    guard.assert_clean()


def test_the_embed_and_its_snippet_stay_inert(guarded: tuple[Page, Guard], site: Site) -> None:
    page, guard = guarded
    page.goto(f"{site.viewer(2)}?embed=1")
    expect(page.locator(".counter")).to_have_text("2 / 5")
    expect(page.get_by_role("heading", level=1)).to_have_text(hostile.TITLE)
    page.get_by_text("Slide text", exact=True).click()
    expect(page.locator(".slide-text")).to_contain_text("<base href=")
    assert_inert(page)

    # The snippet the dashboard copies, pasted into someone's page as HTML: one frame, titled as text.
    sign_in(page, site)
    page.goto(f"{site.server.url}/")
    card = deck_card(page, hostile.TITLE)
    card.get_by_role("button", name="Copy embed code").click()
    expect(card.get_by_text("Copied")).to_be_visible()
    snippet = page.evaluate("navigator.clipboard.readText()")
    # A host page on the server's origin: Chromium won't let a page of no origin frame a loopback one.
    page.goto(f"{site.server.url}/api/decks")
    page.set_content(f"<!doctype html><title>host</title><body>{snippet}</body>")
    frames = page.locator("iframe")
    expect(frames).to_have_count(1)
    expect(frames).to_have_attribute("title", hostile.TITLE)
    assert page.evaluate("document.body.children.length") == 1, snippet
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text(hostile.TITLE)
    expect(frame.get_by_role("complementary", name="Ask the deck")).to_be_visible()
    for inner in page.frames[1:]:
        assert not inner.evaluate(INSPECT)["problems"]
    guard.assert_clean()


def ask(page: Page, question: str, guard: Guard) -> dict[str, Any]:
    """Ask in the chat panel; the answer object the page received."""
    chat = page.get_by_role("complementary", name="Ask the deck")
    asked = len(guard.answers)
    chat.get_by_label("Your question").fill(question)
    chat.get_by_role("button", name="Ask", exact=True).click()
    for _ in range(ANSWER_MS // 100):  # the route handler runs while the page waits
        if len(guard.answers) > asked:
            break
        page.wait_for_timeout(100)
    assert len(guard.answers) == asked + 1, question
    turns = chat.locator(".turn-assistant")
    expect(turns).to_have_count(asked + 1)
    expect(turns.last.locator(".bubble")).not_to_be_empty()
    expect(chat.get_by_role("button", name="Ask", exact=True)).to_be_visible()
    return guard.answers[-1]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{5,}", text.lower()))


def other_deck_only_words(site: Site, questions: list[str]) -> set[str]:
    """Words of the pandas deck that neither the hostile deck, its notes nor the questions hold."""
    normal = " ".join(s["title"] + " " + s["text"] + " " + s["notes"] for s in slides_of(site, site.normal))
    mine = " ".join(s["title"] + " " + s["text"] + " " + s["notes"] for s in slides_of(site, site.hostile))
    notes = httpx.get(f"{site.server.url}/api/decks/{site.hostile['id']}/notes", timeout=10).json()
    only = words(normal) - words(mine) - words(json.dumps(notes)) - words(" ".join(questions))
    only -= words(f"{DECLINE} The deck doesn't mention. The closest it comes is slide")
    assert {"changi", "heathrow", "schiphol", "dataframe"} & only, only
    return only


def test_chat_answers_stay_text_and_inside_the_deck(guarded: tuple[Page, Guard], site: Site) -> None:
    page, guard = guarded
    questions = [
        hostile.IGNORE.rstrip("."),
        hostile.DEVELOPER,
        OTHER_DECK_QUESTION,
        OTHER_DECK_FACT,
        hostile.OTHER_DECKS,
        hostile.MASCOT_QUESTION,
        HOSTILE_QUESTION,
    ]
    forbidden = other_deck_only_words(site, questions)
    page.goto(site.viewer(1))
    chat = page.get_by_role("complementary", name="Ask the deck")
    expect(chat).to_be_visible()
    answers = {question: ask(page, question, guard) for question in questions}

    bubbles = chat.locator(".turn-assistant .bubble")
    for n, (question, answer) in enumerate(answers.items()):
        text = answer["answer"] + " " + " ".join(c["quote"] for c in answer["citations"])
        for sentence in hostile.SYSTEM_SENTENCES:
            assert sentence.lower() not in text.lower(), (question, sentence)
            expect(bubbles.nth(n)).not_to_contain_text(sentence)
        leaked = words(text) & forbidden
        assert not leaked, (question, leaked, text)
        assert all(1 <= c["slide"] <= len(hostile.SLIDES) for c in answer["citations"]), answer

    # The mascot's answer quotes the slide, payloads and all, and shows them as text.
    mascot = answers[hostile.MASCOT_QUESTION]
    assert not mascot["refused"] and "Quentin" in mascot["answer"], mascot
    assert hostile.IMG in mascot["answer"], mascot
    bubble = bubbles.nth(questions.index(hostile.MASCOT_QUESTION))
    expect(bubble).to_contain_text(hostile.IMG)
    expect(bubble).to_contain_text(hostile.SCRIPT)
    cited = bubble.locator("xpath=..").get_by_role("link", name=re.compile(r"^Show Slide 5\b"))
    expect(cited).to_be_visible()
    expect(chat.locator(".turn-user .bubble").last).to_have_text(HOSTILE_QUESTION)
    for refused in (HOSTILE_QUESTION, OTHER_DECK_QUESTION, OTHER_DECK_FACT):
        assert answers[refused]["refused"], answers[refused]
    links = assert_inert(page)
    assert all({"noopener", "noreferrer"} <= set(link["rel"].split()) for link in links), links
    guard.assert_clean()


def test_dashboard_shows_titles_descriptions_and_questions_as_text(
    guarded: tuple[Page, Guard], site: Site
) -> None:
    page, guard = guarded
    asked = httpx.post(
        f"{site.server.url}/api/decks/{site.hostile['id']}/chat",
        json={"question": HOSTILE_QUESTION, "slide": 3},
        headers={"Accept": "application/json"},
        timeout=ANSWER_MS / 1000,
    )
    assert asked.status_code == 200 and asked.json()["refused"], asked.text
    sign_in(page, site)
    page.goto(f"{site.server.url}/")
    card = deck_card(page, hostile.TITLE)
    expect(card).to_have_count(1)
    expect(card.locator(".description")).to_have_text(hostile.DESCRIPTION)
    expect(card.locator("img.deck-thumb")).to_have_count(1)
    card.get_by_text("Edit details and sharing").click()
    expect(card.get_by_label("Title", exact=True)).to_have_value(hostile.TITLE)
    expect(card.get_by_label("Description")).to_have_value(hostile.DESCRIPTION)
    card.get_by_text("Analytics", exact=True).click()
    unanswered = card.get_by_role("heading", name="Questions the chat could not answer").locator("+ ul")
    expect(unanswered).to_contain_text(HOSTILE_QUESTION)
    assert_inert(page)

    page.get_by_role("link", name=hostile.TITLE, exact=True).click()
    expect(page).to_have_url(site.viewer())
    expect(page.get_by_role("heading", level=1)).to_have_text(hostile.TITLE)
    assert_inert(page)
    guard.assert_clean()
