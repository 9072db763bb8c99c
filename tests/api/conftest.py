from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The real app, with its job supervisor running ingestion in child processes."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client
