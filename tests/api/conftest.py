from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings
from tests.api.helpers import PANDAS, sign_in_presenter, upload, wait_done


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The real app, with its job supervisor running ingestion in child processes, called by a
    presenter with an API token (test_auth.py covers every other kind of caller)."""
    with TestClient(create_app(bootstrap(settings))) as test_client:
        sign_in_presenter(test_client)
        yield test_client


@pytest.fixture
def deck(client: TestClient, decks_dir: Path) -> dict[str, Any]:
    """The pandas deck, uploaded by the presenter and ready."""
    ready = wait_done(client, upload(client, decks_dir / PANDAS, title="Pandas basics").json()["id"])
    assert ready["status"] == "ready" and ready["version"] == 1
    return ready
