"""A real server (extractive answers, so chat is instant) with a presenter who owns the pandas deck on it,
and headless Chromium: anonymous pages for viewers, signed-in ones (through the real /signin form) for
the presenter's dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, StorageState, expect, sync_playwright

from deckchat.api.routes.site import WEB_DIST
from tests.live import REPO, LiveServer, cli
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DECK, PPTX, Presenter, upload

# pytest runs in two workers, so a page may wait on a busy CPU: assertions get 15 s, not 5.
expect.set_options(timeout=15_000)

# Screenshots land here for people to look at; the folder is ignored by git.
ARTIFACTS = REPO / "test-artifacts" / "web"


PRESENTER_EMAIL = "presenter@example.test"
PRESENTER_PASSWORD = "correct horse battery staple"


def add_presenter(home: Path, email: str, password: str) -> dict[str, Any]:
    """`deckchat user add EMAIL --password-stdin`, as the operator of an install runs it."""
    done = cli(home, "user", "add", email, "--password-stdin", "--json", stdin=password + "\n")
    assert done.returncode == 0, done.stderr[-2000:]
    user: dict[str, Any] = json.loads(done.stdout)
    return user


def create_token(home: Path, email: str) -> str:
    done = cli(home, "token", "create", "--user", email, "--name", "browser tests", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    token: str = json.loads(done.stdout)["token"]
    return token


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    assert (WEB_DIST / "index.html").is_file(), "the front end is not built: run `npm --prefix web run build`"
    home = tmp_path_factory.mktemp("site") / "home"
    # Added before the first start, the presenter is the install's first user: its owner.
    add_presenter(home, PRESENTER_EMAIL, PRESENTER_PASSWORD)
    live = LiveServer(home, DECKCHAT_LLM="extractive")
    try:
        yield live.start()
    finally:
        live.stop()


@pytest.fixture(scope="session")
def presenter(server: LiveServer) -> Presenter:
    users = json.loads(cli(server.home, "user", "list", "--json").stdout)["users"]
    handle = next(u["handle"] for u in users if u["email"] == PRESENTER_EMAIL)
    return Presenter(PRESENTER_EMAIL, PRESENTER_PASSWORD, handle, create_token(server.home, PRESENTER_EMAIL))


@pytest.fixture(scope="session")
def api(server: LiveServer, presenter: Presenter) -> Iterator[httpx.Client]:
    """HTTP in the presenter's name (their API token): uploads, settings, their deck list."""
    headers = {"Authorization": f"Bearer {presenter.token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def deck(api: httpx.Client, decks_dir: Path) -> dict[str, Any]:
    """The pandas deck (10 slides), the presenter's, unlisted: anyone with its link may view it."""
    ready = upload(api, decks_dir / DECK, PPTX)
    assert ready["slide_count"] == 10 and ready["visibility"] == "unlisted", ready
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


PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "has_touch": True,
    "is_mobile": True,
}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 360 x 740 touch screen at twice the pixel density."""
    yield from _page(browser, **PHONE)


def sign_in_with_form(page: Page, server: LiveServer, presenter: Presenter) -> None:
    """Through the real /signin page, as the presenter does it; lands on the dashboard."""
    page.goto(f"{server.url}/signin")
    page.get_by_label("E-mail").fill(presenter.email)
    page.get_by_label("Password", exact=True).fill(presenter.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your decks")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/")


@pytest.fixture(scope="session")
def signed_in(browser: Browser, server: LiveServer, presenter: Presenter) -> StorageState:
    """The presenter's session cookie, from one sign-in through the form, for every signed-in page after."""
    context = browser.new_context()
    try:
        sign_in_with_form(context.new_page(), server, presenter)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def owner(browser: Browser, signed_in: StorageState) -> Iterator[Page]:
    """A page signed in as the presenter who owns the decks."""
    yield from _page(browser, viewport={"width": 1280, "height": 900}, storage_state=signed_in)


@pytest.fixture
def owner_phone(browser: Browser, signed_in: StorageState) -> Iterator[Page]:
    yield from _page(browser, **PHONE, storage_state=signed_in)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
