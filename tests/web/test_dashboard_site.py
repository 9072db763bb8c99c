"""The presenter's dashboard in Chromium against a real server: upload, edit, share, replace, analytics."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.live import LiveServer
from tests.web.browser import Presenter, expect_image_loaded, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD = "mipt-ml-lecture02-linear-models.pdf"  # 43 pages: rendering lasts long enough to watch
NEW_VERSION = "msra-ai-system-14-ai-for-systems-zh.pdf"  # 38 pages
INGEST_MS = 180_000
ANSWER_MS = 60_000
OFF_TOPIC = "Which football club won the 1974 World Cup final in Munich?"
NOTES = "# Linear models\n\nSpeak slowly on the loss slide; the gradient derivation is in the appendix.\n"

# Collects every stage the page showed as active, so a test can tell the bars really moved.
WATCH_STAGES = """() => {
  window.seenStages = [];
  new MutationObserver(() => {
    for (const row of document.querySelectorAll('.stage-row.stage-active')) {
      if (!window.seenStages.includes(row.dataset.stage)) window.seenStages.push(row.dataset.stage);
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""

# A drop as a person makes it: files in a DataTransfer, dragged over the zone and let go.
DROP = """([zone, files]) => {
  const data = new DataTransfer();
  for (const {name, type, b64} of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    data.items.add(new File([bytes], name, {type}));
  }
  zone.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
  zone.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
}"""


def deck_card(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title, exact=True))


@pytest.fixture
def own_deck(api: httpx.Client, decks_dir: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """A deck of the test's own, so changing it touches no other test; deleted afterwards."""
    deck = upload(api, decks_dir / UPLOAD, "application/pdf", title=f"Linear models ({request.node.name})")
    yield deck
    api.delete(f"/api/decks/{deck['id']}")


def test_drop_a_deck_and_notes_and_watch_the_stages_reach_ready(
    server: LiveServer,
    api: httpx.Client,
    presenter: Presenter,
    decks_dir: Path,
    owner: Page,
    artifacts: Path,
) -> None:
    page = owner
    page.goto(f"{server.url}/")
    expect(page.get_by_role("banner")).to_contain_text(presenter.email)
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
    files = [
        {
            "name": UPLOAD,
            "type": "application/pdf",
            "b64": base64.b64encode((decks_dir / UPLOAD).read_bytes()),
        },
        {"name": "speaker-notes.md", "type": "text/markdown", "b64": base64.b64encode(NOTES.encode())},
    ]
    zone = page.get_by_test_id("dropzone")
    zone.evaluate("zone => zone.scrollIntoView()")
    page.evaluate(DROP, [zone.element_handle(), [{**f, "b64": f["b64"].decode()} for f in files]])
    chosen = page.get_by_role("list", name="Chosen files")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    expect(chosen.get_by_role("listitem").nth(0)).to_contain_text(f"Deck{UPLOAD}")
    expect(chosen.get_by_role("listitem").nth(1)).to_contain_text("Notesspeaker-notes.md")

    page.get_by_label(re.compile(r"^Title")).fill("Dropped linear models")
    page.evaluate(WATCH_STAGES)
    uploads: list[str] = []
    page.on(
        "request",
        lambda r: (
            uploads.append(r.headers.get("content-type", ""))
            if r.method == "POST" and r.url.endswith("/api/decks")
            else None
        ),
    )
    page.get_by_role("button", name="Upload").click()
    card = deck_card(page, "Dropped linear models")
    stages = card.get_by_role("list", name="Processing “Dropped linear models”")
    expect(stages).to_be_visible()
    expect(stages.get_by_role("listitem")).to_have_count(7)
    # Under way, past the queue: the job starts within a worker start-up, slow on a busy machine.
    expect(stages.locator(".stage-active")).to_have_count(1, timeout=60_000)
    page.screenshot(path=artifacts / "dashboard.png")
    expect(page.get_by_role("status")).to_contain_text("“Dropped linear models” is ready", timeout=INGEST_MS)
    expect(stages).to_have_count(0)
    expect(card).to_contain_text("43 slides")
    seen = page.evaluate("window.seenStages")
    assert "render" in seen, seen  # the bars followed the server's progress events
    listed = api.get("/api/decks").json()["decks"]
    deck_id = next(d["id"] for d in listed if d["title"] == "Dropped linear models")
    assert len(uploads) == 1 and uploads[0].startswith("multipart/form-data"), uploads
    # The notes came in the same request: make them public to read them back.
    api.patch(f"/api/decks/{deck_id}", json={"notes_mode": "public"})
    documents = httpx.get(f"{server.url}/api/decks/{deck_id}/notes", timeout=10).json()["documents"]
    assert [d["filename"] for d in documents] == ["speaker-notes.md"]
    page.screenshot(path=artifacts / "dashboard-ready.png")

    # Delete asks first; Cancel keeps the deck, confirming removes it.
    card.get_by_role("button", name="Delete", exact=True).click()
    expect(card.get_by_role("alertdialog")).to_contain_text("Delete “Dropped linear models”?")
    expect(card.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(card.get_by_role("alertdialog")).to_have_count(0)
    card.get_by_role("button", name="Delete", exact=True).click()
    card.get_by_role("button", name="Delete for good").click()
    expect(card).to_have_count(0)
    assert httpx.get(f"{server.url}/api/decks/{deck_id}", timeout=10).status_code == 404


def test_edit_the_title_and_allow_downloads(
    server: LiveServer, own_deck: dict[str, Any], decks_dir: Path, owner: Page
) -> None:
    page = owner
    page.goto(f"{server.url}/")
    card = deck_card(page, own_deck["title"])
    card.get_by_text("Edit details and sharing").click()
    card.get_by_label("Title", exact=True).fill("Linear models, edited")
    card.get_by_label("Description").fill("Lecture 2")
    card.get_by_role("button", name="Save title and description").click()
    card = deck_card(page, "Linear models, edited")
    expect(card.get_by_text("Saved.")).to_be_visible()
    page.reload()
    expect(deck_card(page, "Linear models, edited")).to_contain_text("Lecture 2")

    viewer = f"{server.url}/d/{own_deck['slug']}"
    page.goto(viewer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Linear models, edited")
    expect(page.get_by_role("link", name=re.compile(r"^Download original"))).to_have_count(0)
    assert httpx.get(f"{server.url}/api/decks/{own_deck['id']}/original", timeout=10).status_code == 403

    page.goto(f"{server.url}/")
    card = deck_card(page, "Linear models, edited")
    card.get_by_text("Edit details and sharing").click()
    card.get_by_role("checkbox", name="Allow download of the original").check()
    expect(card.get_by_text("Viewers can download the original.")).to_be_visible()

    page.goto(viewer)
    link = page.get_by_role("link", name=re.compile(r"^Download original"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == UPLOAD
    assert Path(download.value.path()).read_bytes() == (decks_dir / UPLOAD).read_bytes()


def test_a_new_version_keeps_the_link(
    server: LiveServer, own_deck: dict[str, Any], decks_dir: Path, owner: Page
) -> None:
    page = owner
    page.goto(f"{server.url}/")
    card = deck_card(page, own_deck["title"])
    expect(card).to_contain_text("version 1")
    card.get_by_text("Replace the file").click()
    card.get_by_label("New version: deck and notes files").set_input_files(decks_dir / NEW_VERSION)
    card.get_by_role("button", name="Upload new version").click()
    expect(card).to_contain_text("version 2", timeout=INGEST_MS)
    expect(card).to_contain_text("38 slides")
    expect(card.get_by_role("list", name=re.compile(r"^New version of"))).to_have_count(0)

    page.goto(f"{server.url}/d/{own_deck['slug']}")
    expect(page.locator(".counter")).to_have_text("1 / 38")


def test_analytics_count_a_view_and_a_question(
    server: LiveServer, own_deck: dict[str, Any], page: Page, owner: Page, artifacts: Path
) -> None:
    """A viewer (signed out) looks and asks; the presenter's dashboard counts it."""
    viewer = f"{server.url}/d/{own_deck['slug']}"
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/views")) as ping:
        page.goto(f"{viewer}/2")
        expect_image_loaded(page)
    assert ping.value.post_data_json == {"slide": 2}

    chat = page.get_by_role("complementary", name="Ask the deck")
    chat.get_by_label("Your question").fill("What is linear regression?")
    chat.get_by_role("button", name="Ask", exact=True).click()
    expect(chat.locator(".turn-assistant .bubble").first).not_to_be_empty(timeout=ANSWER_MS)
    expect(chat.get_by_role("button", name="Ask", exact=True)).to_be_visible(timeout=ANSWER_MS)
    chat.get_by_label("Your question").fill(OFF_TOPIC)
    chat.get_by_role("button", name="Ask", exact=True).click()
    expect(chat.locator(".turn-assistant.refused")).to_have_count(1, timeout=ANSWER_MS)

    page = owner
    page.goto(f"{server.url}/")
    card = deck_card(page, own_deck["title"])
    card.get_by_text("Analytics", exact=True).click()
    row = card.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(r"^2\b")))
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")  # one view of slide 2
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")  # both questions were asked on it
    expect(card).to_contain_text("1 slide views · 2 questions")
    unanswered = card.get_by_role("heading", name="Questions the chat could not answer").locator("+ ul")
    expect(unanswered.get_by_role("listitem")).to_have_count(1)
    expect(unanswered).to_contain_text(OFF_TOPIC)
    expect(unanswered).to_contain_text("on slide 2")
    card.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "dashboard-analytics.png", full_page=False)


def test_the_embedded_viewer_has_no_header_and_keeps_the_chat(
    server: LiveServer, deck: dict[str, Any], page: Page, artifacts: Path
) -> None:
    src = f"{server.url}/d/{deck['slug']}?embed=1"
    page.goto(f"{server.url}/robots.txt")  # any page of the origin to host the frame
    page.set_content(f'<iframe src="{src}" title="Deck" width="1000" height="600" style="border:0"></iframe>')
    frame = page.frame_locator("iframe")
    expect(frame.locator(".counter")).to_have_text("1 / 10")
    expect(frame.get_by_role("banner")).to_have_count(0)
    expect(frame.get_by_role("complementary", name="Ask the deck")).to_be_visible()
    frame.get_by_role("button", name="Next slide").click()
    expect(frame.locator(".counter")).to_have_text("2 / 10")
    url = frame.locator("body").evaluate("() => location.pathname + location.search")
    assert url == f"/d/{deck['slug']}/2?embed=1"
    page.screenshot(path=artifacts / "embed.png")


def test_the_dashboard_fits_a_phone(
    server: LiveServer, deck: dict[str, Any], owner_phone: Page, artifacts: Path
) -> None:
    phone = owner_phone
    phone.goto(f"{server.url}/")
    card = deck_card(phone, str(deck["title"]))
    card.get_by_text("Edit details and sharing").click()
    expect(card.get_by_role("checkbox", name="Allow download of the original")).to_be_visible()
    card.get_by_text("Analytics", exact=True).click()
    expect(card.get_by_role("table")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    phone.screenshot(path=artifacts / "dashboard-phone.png")
