"""`deckchat add --expires X` and the API's `expires_at: X` (on upload and on PATCH) name the same instant:
both read X through core/expiry.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from deckchat.settings import Settings
from tests.api.helpers import PRESENTER, upload
from tests.ingest.hostile import pages_pdf

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
INPUTS = ("2027-01-31", "2027-01-31T18:00", "2027-01-31T18:00+01:00")


@pytest.fixture
def settings(home: Path) -> Settings:
    # SQLite in DECKCHAT_HOME, so that `deckchat add` (run in that home) and the app share the library.
    return Settings(home=home, llm="extractive")


def cli_add(home: Path, deck: Path, expires: str) -> str:
    """The id of the deck `deckchat add --expires` made, owned by the API's presenter."""
    args = ["add", str(deck), "--expires", expires, "--owner", PRESENTER, "--json"]
    added = subprocess.run(
        [sys.executable, "-m", "deckchat.cli.main", *args],
        env={**os.environ, "DECKCHAT_HOME": str(home)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert added.returncode == 0, added.stderr
    deck_id: str = json.loads(added.stdout)["id"]
    return deck_id


def expiry_of(client: TestClient, deck_id: str) -> datetime:
    return datetime.fromisoformat(client.get(f"/api/decks/{deck_id}").json()["expires_at"])


def test_the_cli_and_the_api_read_an_expiry_alike(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    deck = pages_pdf(tmp_path)
    for text in INPUTS:
        from_cli = expiry_of(client, cli_add(settings.home, deck, text))
        uploaded = upload(client, deck, expires_at=text)
        assert uploaded.status_code == 202, uploaded.text
        url = f"/api/decks/{uploaded.json()['id']}"
        from_upload = expiry_of(client, uploaded.json()["id"])
        client.patch(url, json={"expires_at": None})
        patched = client.patch(url, json={"expires_at": text})
        assert patched.status_code == 200, patched.text
        from_patch = datetime.fromisoformat(patched.json()["expires_at"])
        assert from_cli == from_upload == from_patch, text
    assert from_cli == datetime(2027, 1, 31, 17, tzinfo=UTC)  # the last input's offset was kept


def test_a_bare_date_over_the_api_lasts_the_whole_day(client: TestClient, tmp_path: Path) -> None:
    url = f"/api/decks/{upload(client, pages_pdf(tmp_path), expires_at='2027-01-31').json()['id']}"
    assert datetime.fromisoformat(client.get(url).json()["expires_at"]) == datetime(
        2027, 1, 31, 23, 59, 59, tzinfo=UTC
    )
    refused = client.patch(url, json={"expires_at": "someday"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request"
