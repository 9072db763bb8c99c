from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings
from tests.api.helpers import sign_in_presenter


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The real app, with its job supervisor running ingestion in child processes, called by a
    presenter with an API token (test_auth.py covers every other kind of caller)."""
    with TestClient(create_app(bootstrap(settings))) as test_client:
        sign_in_presenter(test_client)
        yield test_client
