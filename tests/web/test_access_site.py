"""Accounts and access in Chromium against a real server: signing in (the form and a one-time link), the
password gate, an expired link, a private deck, a presenter's public page, and the dashboard's sharing
settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.live import LiveServer, cli
from tests.web.browser import DECK, PPTX, Presenter, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Access checks"
DECK_PASSWORD = "quokka island 42"
GATE = "This deck is protected by a password"


@pytest.fixture(scope="session")
def _access_deck(api: httpx.Client, decks_dir: Path) -> dict[str, Any]:
    """A second copy of the pandas deck, uploaded as a password deck with the upload's own fields."""
    deck = upload(api, decks_dir / DECK, PPTX, title=TITLE, visibility="password", password=DECK_PASSWORD)
    assert deck["visibility"] == "password" and deck["has_password"], deck
    return deck


@pytest.fixture
def access_deck(api: httpx.Client, _access_deck: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The deck, back to unlisted with no expiry and the known password, whatever the last test did."""
    reset = {"visibility": "unlisted", "expires_at": None, "password": DECK_PASSWORD}
    response = api.patch(f"/api/decks/{_access_deck['id']}", json=reset)
    assert response.status_code == 200, response.text
    yield response.json()


def change(api: httpx.Client, deck: dict[str, Any], **changes: Any) -> dict[str, Any]:
    response = api.patch(f"/api/decks/{deck['id']}", json=changes)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def deck_card(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title, exact=True))


def fresh_page(browser: Browser) -> Page:
    """A new browser context: no cookies, so no session and no deck unlocked."""
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_sign_in_form_refuses_a_wrong_password_then_signs_in_and_out(
    server: LiveServer, presenter: Presenter, page: Page
) -> None:
    page.goto(f"{server.url}/")
    expect(page).to_have_url(f"{server.url}/signin")  # the dashboard is the presenter's own
    page.get_by_label("E-mail").fill(presenter.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That e-mail and password do not match.")

    page.get_by_label("Password", exact=True).fill(presenter.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your decks")).to_be_visible()
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text(presenter.email)
    expect(banner.get_by_role("link", name="Your page")).to_have_attribute("href", f"/u/{presenter.handle}")

    banner.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server.url}/signin")
    assert page.request.get(f"{server.url}/api/decks").status == 401  # the session is over on the server
    page.goto(f"{server.url}/")
    expect(page).to_have_url(f"{server.url}/signin")


def test_sign_in_with_a_one_time_link(server: LiveServer, presenter: Presenter, browser: Browser) -> None:
    printed = cli(server.home, "user", "link", presenter.email)
    assert printed.returncode == 0, printed.stderr
    match = re.search(r"/signin#link=([\w-]+)", printed.stdout)
    assert match, printed.stdout
    link = f"{server.url}/signin#link={match.group(1)}"

    page = fresh_page(browser)
    try:
        page.goto(link)
        expect(page.get_by_role("heading", level=1, name="Your decks")).to_be_visible()
        expect(page).to_have_url(f"{server.url}/")  # the secret is gone from the address bar
        assert match.group(1) not in page.evaluate("location.href + JSON.stringify(history.state)")
        expect(page.get_by_role("banner")).to_contain_text(presenter.email)
    finally:
        page.context.close()

    again = fresh_page(browser)  # a link works once
    try:
        again.goto(link)
        expect(again.get_by_role("alert")).to_contain_text("This sign-in link is not valid")
        expect(again.get_by_label("E-mail")).to_be_visible()
    finally:
        again.context.close()


def test_the_password_gate(
    server: LiveServer,
    api: httpx.Client,
    access_deck: dict[str, Any],
    page: Page,
    browser: Browser,
    artifacts: Path,
) -> None:
    change(api, access_deck, visibility="password")
    viewer = f"{server.url}/d/{access_deck['slug']}"
    page.goto(f"{viewer}/3")
    gate = page.get_by_role("form", name=GATE)
    expect(gate).to_be_visible()
    expect(page.locator(".counter")).to_have_count(0)
    page.get_by_label("Password", exact=True).fill("a wrong guess")
    page.get_by_role("button", name="Open the deck").click()
    expect(page.get_by_role("alert")).to_have_text("That is not the deck's password.")
    page.screenshot(path=artifacts / "password-gate.png")

    page.get_by_label("Password", exact=True).fill(DECK_PASSWORD)
    page.get_by_role("button", name="Open the deck").click()
    expect(page.locator(".counter")).to_have_text("3 / 10")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.reload()  # once per browser session, not once per page
    expect(page.locator(".counter")).to_have_text("3 / 10")
    chat = page.get_by_role("complementary", name="Ask the deck")
    chat.get_by_label("Your question").fill("What is a Series?")
    chat.get_by_role("button", name="Ask", exact=True).click()
    expect(chat.locator(".turn-assistant .bubble").first).not_to_be_empty(timeout=60_000)

    other = fresh_page(browser)
    try:
        for path in (viewer, f"{viewer}/2?embed=1"):  # locked again, the embed too
            other.goto(path)
            expect(other.get_by_role("form", name=GATE)).to_be_visible()
        expect(other.get_by_role("banner")).to_have_count(0)
        other.get_by_label("Password", exact=True).fill(DECK_PASSWORD)
        other.get_by_role("button", name="Open the deck").click()
        expect(other.locator(".counter")).to_have_text("2 / 10")
        assert other.evaluate("location.pathname + location.search").endswith("/2?embed=1")
    finally:
        other.context.close()


def test_an_expired_link(
    server: LiveServer, api: httpx.Client, access_deck: dict[str, Any], page: Page, owner: Page
) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    change(api, access_deck, expires_at=past)
    viewer = f"{server.url}/d/{access_deck['slug']}"
    # To anyone but its owner an expired link is a missing deck (tests/api/test_auth.py compares them).
    assert httpx.get(f"{server.url}/api/decks/{access_deck['id']}", timeout=10).status_code == 404
    for path in (viewer, f"{viewer}?embed=1"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("No such deck (or it is private)")
    expect(page.locator(".counter")).to_have_count(0)

    owner.goto(viewer)  # the presenter still sees their own deck
    expect(owner.locator(".counter")).to_have_text("1 / 10")
    owner.goto(f"{server.url}/")
    expect(deck_card(owner, TITLE)).to_contain_text("Unlisted · link expired")


def test_a_private_deck_is_missing_to_anyone_but_its_owner(
    server: LiveServer, api: httpx.Client, access_deck: dict[str, Any], page: Page, owner: Page
) -> None:
    change(api, access_deck, visibility="private")
    viewer = f"{server.url}/d/{access_deck['slug']}"
    page.goto(viewer)
    expect(page.get_by_role("heading", level=1)).to_have_text("No such deck (or it is private)")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()
    missing = f"{server.url}/d/no-such-deck-anywhere"
    page.goto(missing)  # the same page as a deck that does not exist
    expect(page.get_by_role("heading", level=1)).to_have_text("No such deck (or it is private)")

    owner.goto(viewer)
    expect(owner.locator(".counter")).to_have_text("1 / 10")
    expect(owner.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_the_presenter_page_lists_only_public_decks(
    server: LiveServer,
    api: httpx.Client,
    presenter: Presenter,
    access_deck: dict[str, Any],
    deck: dict[str, Any],
    page: Page,
) -> None:
    change(api, access_deck, visibility="public")
    assert deck["visibility"] == "unlisted"
    public = [d for d in api.get("/api/decks").json()["decks"] if d["visibility"] == "public"]
    assert access_deck["id"] in {d["id"] for d in public}

    page.goto(f"{server.url}/u/{presenter.handle}")
    cards = page.get_by_role("list", name="Public decks").get_by_role("link")
    expect(cards).to_have_count(len(public))
    card = page.get_by_role("link", name=re.compile(f"^{TITLE}"))
    expect(card).to_contain_text("10 slides")
    expect(card).to_have_attribute("href", f"/d/{access_deck['slug']}")
    expect(card.locator("img")).to_have_attribute("src", access_deck["thumbnail"])
    expect(page.get_by_role("link", name=re.compile(re.escape(deck["title"])))).to_have_count(0)
    card.click()
    expect(page.locator(".counter")).to_have_text("1 / 10")

    change(api, access_deck, visibility="password")
    page.goto(f"{server.url}/u/{presenter.handle}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decks by {presenter.handle}")
    expect(page.get_by_role("link", name=re.compile(TITLE))).to_have_count(0)

    page.goto(f"{server.url}/u/nobody-by-this-name")
    expect(page.get_by_role("heading", level=1)).to_have_text("No such presenter")


def test_the_dashboard_edits_visibility_password_and_expiry(
    server: LiveServer, api: httpx.Client, access_deck: dict[str, Any], owner: Page, artifacts: Path
) -> None:
    page = owner
    page.goto(f"{server.url}/")
    card = deck_card(page, TITLE)
    card.get_by_text("Edit details and sharing").click()
    sharing = card.get_by_role("form", name="Sharing")
    mode = sharing.get_by_label("Who can open it")
    expect(mode).to_have_value("unlisted")
    mode.select_option("private")
    expect(sharing).to_contain_text("Only you, signed in, can open it")
    sharing.get_by_role("button", name="Save sharing").click()
    expect(sharing.get_by_text("Sharing saved.")).to_be_visible()
    assert api.get(f"/api/decks/{access_deck['id']}").json()["visibility"] == "private"

    # The password mode: the deck has a password already; a new one replaces it.
    mode.select_option("password")
    expect(sharing.get_by_text("A password is set.")).to_be_visible()
    sharing.get_by_role("button", name="Change password").click()
    sharing.get_by_label(re.compile(r"^New password")).fill("short")
    sharing.get_by_role("button", name="Save sharing").click()
    expect(sharing.get_by_text("Enter a password of at least 8 characters.")).to_be_visible()
    sharing.get_by_label(re.compile(r"^New password")).fill("a brand new secret")
    sharing.get_by_role("radio", name="Stops working at").check()
    sharing.get_by_label("Expiry date and time").fill("2031-05-04T10:30")
    expected = page.evaluate("new Date('2031-05-04T10:30').toISOString()")
    page.screenshot(path=artifacts / "dashboard-sharing.png")
    sharing.get_by_role("button", name="Save sharing").click()
    expect(sharing.get_by_text("Sharing saved.")).to_be_visible()
    saved = api.get(f"/api/decks/{access_deck['id']}").json()
    assert saved["visibility"] == "password" and saved["has_password"], saved
    assert datetime.fromisoformat(saved["expires_at"]) == datetime.fromisoformat(expected), saved
    expect(card).to_contain_text("Password · expires")
    unlock = f"{server.url}/api/decks/{access_deck['id']}/unlock"
    assert httpx.post(unlock, json={"password": DECK_PASSWORD}, timeout=10).status_code == 401
    assert httpx.post(unlock, json={"password": "a brand new secret"}, timeout=10).status_code == 204

    # No expiry, and open to anyone with the link.
    sharing.get_by_role("radio", name="No expiry").check()
    mode.select_option("unlisted")
    sharing.get_by_role("button", name="Save sharing").click()
    expect(sharing.get_by_text("Sharing saved.")).to_be_visible()
    saved = api.get(f"/api/decks/{access_deck['id']}").json()
    assert saved["visibility"] == "unlisted" and saved["expires_at"] is None, saved
    page.reload()
    expect(deck_card(page, TITLE)).to_contain_text("· Unlisted")
