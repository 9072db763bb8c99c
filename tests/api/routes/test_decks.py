"""The HTTP contract, against the real app with ingestion in real worker processes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from deckchat.settings import Settings
from tests.api.helpers import upload, wait_done

pytestmark = pytest.mark.slow
BEAMER = "bsides-2016-sms-otp-not-secure-beamer.pdf"


@pytest.fixture
def notes_md(tmp_path: Path) -> Path:
    path = tmp_path / "talk-notes.md"
    path.write_text("# Intro\n\nWhy SMS fails.\n\n## Numbers\n\nSIM swaps are common.\n", encoding="utf-8")
    return path


def test_upload_ingest_read_and_delete(
    client: TestClient, decks_dir: Path, notes_md: Path, settings: Settings
) -> None:
    response = upload(client, decks_dir / BEAMER, notes_md, title="SMS OTP talk", visibility="public")
    assert response.status_code == 202
    created = response.json()
    assert set(created) == {"id", "slug", "job_id", "status", "url"}
    assert created["url"].endswith(f"/d/{created['slug']}")

    deck = wait_done(client, created["id"])
    assert (deck["status"], deck["slide_count"], deck["title"]) == ("ready", 60, "SMS OTP talk")
    assert deck["progress"]["stage"] == "done" and deck["error"] is None
    assert client.get(f"/api/decks/{created['slug']}").json()["id"] == created["id"]
    assert [d["id"] for d in client.get("/api/decks").json()["decks"]] == [created["id"]]

    slides = client.get(f"/api/decks/{created['id']}/slides").json()["slides"]
    assert [s["number"] for s in slides] == list(range(1, 61))
    assert slides[1]["title"] == "Overview" and "The Problem" in slides[1]["text"]

    # Notes are private by default: they inform answers but are not shown.
    assert deck["notes_mode"] == "private"
    assert (
        client.get(f"/api/decks/{created['id']}/notes", headers={"Authorization": ""}).json()["documents"]
        == []
    )
    assert client.patch(f"/api/decks/{created['id']}", json={"notes_mode": "public"}).status_code == 200
    notes = client.get(f"/api/decks/{created['id']}/notes").json()["documents"]
    assert [(s["heading_path"], s["text"]) for s in notes[0]["sections"]] == [
        (["Intro"], "Why SMS fails."),
        (["Intro", "Numbers"], "SIM swaps are common."),
    ]

    image = client.get(slides[0]["image"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
    assert image.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = image.headers["etag"]
    assert client.get(slides[0]["image"], headers={"If-None-Match": etag}).status_code == 304

    blob_files = {p for p in settings.blob_dir.rglob("*") if p.is_file()}
    assert len(blob_files) == 1 + 1 + 2 * 60 + 1  # original, notes, image pair per slide, search index
    assert client.delete(f"/api/decks/{created['id']}").status_code == 204
    assert client.get(f"/api/decks/{created['id']}").status_code == 404
    assert client.get(slides[0]["image"]).json()["error"]["code"] == "image_not_found"
    assert not [p for p in settings.blob_dir.rglob("*") if p.is_file()]


def test_progress_streams_as_server_sent_events(client: TestClient, decks_dir: Path) -> None:
    deck_id = upload(client, decks_dir / "mipt-ml-lecture02-linear-models.pdf").json()["id"]
    events: list[tuple[str, dict[str, object]]] = []
    with client.stream("GET", f"/api/decks/{deck_id}/progress") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line.split(":", 1)[1])))
                if event in ("ready", "failed"):
                    break
    assert events[-1][0] == "ready" and events[-1][1]["slide_count"] == 43
    stages = [data["progress"]["stage"] for name, data in events if name == "progress"]  # type: ignore[index]
    assert stages, "no progress events before ready"
    assert all(name == "progress" for name, _ in events[:-1])


def test_the_same_deck_twice_is_stored_once(client: TestClient, decks_dir: Path, settings: Settings) -> None:
    first = upload(client, decks_dir / "ms-python-pandas-series-dataframe.pptx").json()
    second = upload(client, decks_dir / "ms-python-pandas-series-dataframe.pptx").json()
    assert first["id"] != second["id"]
    for created in (first, second):
        assert wait_done(client, created["id"])["status"] == "ready"
    files = [p for p in settings.blob_dir.rglob("*") if p.is_file()]
    # One original, one image pair per slide and one search index (the same bytes), shared by both decks.
    assert len(files) == 1 + 2 * 10 + 1
    client.delete(f"/api/decks/{first['id']}")
    # The survivor still has every file it needs.
    for slide in client.get(f"/api/decks/{second['id']}/slides").json()["slides"]:
        assert client.get(slide["thumbnail"]).status_code == 200


def test_two_decks_uploaded_at_once_both_end_ready(client: TestClient, decks_dir: Path) -> None:
    names = ["aes-2011-evaluation-communication-tables.pptx", "cncf-overview-japanese-2018.pdf"]
    results: dict[str, int] = {}

    def send(name: str) -> None:
        response = upload(client, decks_dir / name)
        assert response.status_code == 202
        results[name] = wait_done(client, response.json()["id"])["slide_count"]

    threads = [threading.Thread(target=send, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {names[0]: 28, names[1]: 52}


def test_errors_follow_the_contract(client: TestClient) -> None:
    missing = client.get("/api/decks/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "deck_not_found", "message": "No such deck, or it is not shared with you."}
    }
    assert client.post("/api/decks", data={"title": "x"}).json()["error"]["code"] == "not_multipart"
    no_deck = client.post("/api/decks", files=[("notes", ("n.md", b"# hi"))])
    assert (no_deck.status_code, no_deck.json()["error"]["code"]) == (422, "deck_missing")
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get("/media/" + "0" * 64 + ".webp").json()["error"]["code"] == "image_not_found"
