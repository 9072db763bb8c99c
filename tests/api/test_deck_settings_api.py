"""A presenter's controls over HTTP: deck settings, the original download, and new versions under the
same link (the analytics viewers feed are tested in tests/api/routes/test_analytics.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.settings import Settings
from deckchat.store.tables import DeckRow
from tests.api.helpers import PANDAS, error_code, upload, wait_done
from tests.ingest.hostile import pages_pdf

pytestmark = pytest.mark.slow

BEAMER = "bsides-2016-sms-otp-not-secure-beamer.pdf"


@pytest.fixture
def settings(home: Path, db_url: str) -> Settings:
    return Settings(home=home, database_url=db_url, llm="extractive")


def test_settings_change_and_bad_values_are_refused(client: TestClient, deck: dict[str, Any]) -> None:
    url = f"/api/decks/{deck['id']}"
    changed = client.patch(url, json={"title": "  Pandas, part 1  ", "description": "Series and frames."})
    assert changed.status_code == 200
    body = changed.json()
    assert (body["title"], body["description"], body["slug"]) == (
        "Pandas, part 1",
        "Series and frames.",
        deck["slug"],
    )
    assert body["allow_download"] is False and body["download_url"] is None  # untouched fields stay

    for bad in ({"notes_mode": "secret"}, {"title": ""}, {"colour": "red"}, {"allow_download": "maybe"}):
        refused = client.patch(url, json=bad)
        assert refused.status_code == 422, bad
        assert error_code(refused) == "invalid_request" and refused.json()["error"]["message"], bad
    assert client.get(url).json()["title"] == "Pandas, part 1"
    missing = client.patch("/api/decks/no-such-deck", json={"title": "x"})
    assert missing.status_code == 404 and error_code(missing) == "deck_not_found"


# Serving files and ingesting a second version don't depend on the database; the replacement job's
# SQL is tested on both in tests/store/test_jobs.py. Once is enough for these slow ones.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_the_original_downloads_only_when_allowed(
    client: TestClient, deck: dict[str, Any], decks_dir: Path
) -> None:
    original = f"/api/decks/{deck['id']}/original"
    viewer = {"Authorization": ""}  # the same client without its presenter's token
    refused = client.get(original, headers=viewer)
    assert refused.status_code == 403 and error_code(refused) == "download_disabled"
    assert client.get(original).status_code == 200  # its owner may always have their own file

    allowed = client.patch(f"/api/decks/{deck['id']}", json={"allow_download": True}).json()
    assert allowed["download_url"] == original
    download = client.get(original, headers=viewer)
    assert download.status_code == 200
    assert download.content == (decks_dir / PANDAS).read_bytes()
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert f'filename="{PANDAS}"' in download.headers["content-disposition"]
    assert download.headers["cache-control"] == "private, no-store"

    client.patch(f"/api/decks/{deck['id']}", json={"allow_download": False})
    assert client.get(original, headers=viewer).status_code == 403


@SQLITE_ONLY
def test_taking_a_deck_private_hides_its_images_at_once(client: TestClient, deck: dict[str, Any]) -> None:
    """The server remembers who may see an image for a moment (DECKCHAT_ACCESS_CACHE_S); its own
    changes must not wait for that."""
    image = client.get(f"/api/decks/{deck['id']}/slides").json()["slides"][0]["image"]
    viewer = {"Authorization": ""}  # the same client without its presenter's token
    for _ in range(2):  # the second is answered from what the server remembers
        shown = client.get(image, headers=viewer)
        assert shown.status_code == 200 and shown.content[:4] == b"RIFF"
    client.patch(f"/api/decks/{deck['id']}", json={"visibility": "private"})
    hidden = client.get(image, headers=viewer)
    assert hidden.status_code == 404 and error_code(hidden) == "image_not_found"
    assert client.get(image).status_code == 200  # its owner still sees it
    client.delete(f"/api/decks/{deck['id']}")
    assert client.get(image).status_code == 404


@SQLITE_ONLY
def test_a_new_version_replaces_the_deck_under_the_same_link(
    client: TestClient, deck: dict[str, Any], decks_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    old_blobs = {p.name for p in settings.blob_dir.rglob("*") if p.is_file()}
    notes = tmp_path / "version-2-notes.md"
    notes.write_text("# Why SMS\n\nCarriers port numbers on request.\n", encoding="utf-8")
    files = [
        ("deck", (BEAMER, (decks_dir / BEAMER).read_bytes())),
        ("notes", (notes.name, notes.read_bytes())),
    ]
    started = client.post(f"/api/decks/{deck['slug']}/versions", files=files)
    assert started.status_code == 202, started.text
    assert (started.json()["id"], started.json()["slug"]) == (deck["id"], deck["slug"])

    # 60 pages take seconds to ingest; meanwhile the current version keeps being served.
    during = client.get(f"/api/decks/{deck['id']}").json()
    assert during["replacing"] is not None and during["replacing"]["job_id"] == started.json()["job_id"]
    assert (during["status"], during["version"], during["slide_count"]) == ("ready", 1, 10)
    assert len(client.get(f"/api/decks/{deck['id']}/slides").json()["slides"]) == 10
    again = client.post(f"/api/decks/{deck['id']}/versions", files=files)
    assert again.status_code == 409 and error_code(again) == "deck_busy"

    deadline = time.monotonic() + 240
    while (now := client.get(f"/api/decks/{deck['id']}").json())["replacing"] is not None:
        assert now["status"] == "ready" and time.monotonic() < deadline
        time.sleep(0.3)
    assert now["replace_error"] is None
    assert (now["version"], now["slide_count"], now["source_filename"]) == (2, 60, BEAMER)
    assert now["title"] == "Pandas basics" and now["slug"] == deck["slug"]  # the presenter's title stays
    slides = client.get(f"/api/decks/{deck['id']}/slides").json()["slides"]
    assert slides[1]["title"] == "Overview"
    # Public notes are evidence; private ones would only rank slides, and never show "port".
    assert client.patch(f"/api/decks/{deck['id']}", json={"notes_mode": "public"}).status_code == 200
    answer = client.post(
        f"/api/decks/{deck['id']}/chat",
        json={"question": "What do carriers do with numbers?"},
        headers={"Accept": "application/json"},
    ).json()
    assert not answer["refused"] and "port" in answer["answer"].lower()  # the new notes are in the index

    current = {p.name for p in settings.blob_dir.rglob("*") if p.is_file()}
    gone = old_blobs - current
    assert gone and len(current) == 1 + 1 + 2 * 60 + 1  # the old version's files were collected


@SQLITE_ONLY
def test_a_bad_new_version_is_refused_and_the_deck_is_unchanged(
    client: TestClient, deck: dict[str, Any], tmp_path: Path
) -> None:
    fake = tmp_path / "talk.pdf"
    fake.write_bytes(b"this is not a pdf at all")
    refused = client.post(
        f"/api/decks/{deck['id']}/versions", files=[("deck", (fake.name, fake.read_bytes()))]
    )
    assert refused.status_code in (400, 415, 422) and error_code(refused)
    after = client.get(f"/api/decks/{deck['id']}").json()
    assert (after["version"], after["slide_count"], after["replacing"]) == (1, 10, None)
    no_deck = client.post(f"/api/decks/{deck['id']}/versions", files=[("notes", ("n.md", b"# hi"))])
    assert no_deck.status_code == 422


RLO, PDI = "\u202e", "\u2069"  # right-to-left override; pop directional isolate


@SQLITE_ONLY
def test_names_lose_their_format_characters(client: TestClient, tmp_path: Path) -> None:
    """Upload (file name, title, description), PATCH and the download's Content-Disposition."""
    created = upload(
        client,
        pages_pdf(tmp_path, name=f"report{RLO}fdp.exe.pdf"),
        title=f"Q3 {RLO}results\u200b",
        description=f"First{RLO} line\n\u2067second{PDI} line",
    )
    assert created.status_code == 202, created.text
    deck = wait_done(client, created.json()["id"])
    assert (deck["status"], deck["source_filename"], deck["title"], deck["description"]) == (
        "ready",
        "reportfdp.exe.pdf",
        "Q3 results",
        "First line\nsecond line",
    )

    url = f"/api/decks/{deck['id']}"
    changed = client.patch(url, json={"title": f"\u2067Pirate{PDI} talk", "description": f"{RLO}gnihton"})
    assert (changed.json()["title"], changed.json()["description"]) == ("Pirate talk", "gnihton")
    blank = client.patch(url, json={"title": f"{RLO}\u200b"})
    assert blank.status_code == 422 and error_code(blank) == "empty_title"

    # A deck stored before names were cleaned still downloads under a clean name.
    services = client.app.state.services  # type: ignore[attr-defined]
    with services.db.session() as session:
        session.get_one(DeckRow, deck["id"]).source_filename = f"old{RLO}fdp.exe.pdf"
    download = client.get(f"{url}/original")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="oldfdp.exe.pdf"'
