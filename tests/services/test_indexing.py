"""A deck whose stored index is missing, stale or gone is re-indexed on its next question."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from deckchat.evaluate import ensure_deck
from deckchat.index.deck_index import FORMAT_VERSION
from deckchat.services.app_services import Services, open_services
from deckchat.services.chat import ChatService, Reply
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows

pytestmark = pytest.mark.slow
DECK = "cncf-what-is-cloud-native-2016.pdf"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = open_services(Settings(home=tmp_path_factory.mktemp("home")))
    yield services
    services.close()


def _set_index_hash(services: Services, deck_id: str, digest: str | None) -> None:
    with services.db.session() as session:
        deck = deck_rows.find_deck(session, deck_id)
        assert deck is not None
        deck.index_hash = digest


def _index_hash(services: Services, deck_id: str) -> str | None:
    with services.db.session() as session:
        deck = deck_rows.find_deck(session, deck_id)
        assert deck is not None
        return deck.index_hash


def _ask(services: Services, deck_id: str) -> Reply:
    service = ChatService(
        services.db, services.blobs, services.settings
    )  # a fresh service: nothing cached from earlier questions
    replies = [i for i in service.ask(deck_id, "What is cloud native?") if isinstance(i, Reply)]
    return replies[0]


def _old_format_blob() -> bytes:
    meta = {"version": FORMAT_VERSION - 1, "embedders": {}, "chunks": []}
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return buffer.getvalue()


def test_missing_stale_and_deleted_indexes_are_rebuilt(services: Services, decks_dir: Path) -> None:
    deck_id = ensure_deck(services, decks_dir / DECK)
    original = _index_hash(services, deck_id)
    assert original is not None
    baseline = _ask(services, deck_id)
    assert baseline.answer.citations

    _set_index_hash(services, deck_id, None)  # ingested before indexing existed
    assert _ask(services, deck_id).answer == baseline.answer
    rebuilt = _index_hash(services, deck_id)
    assert rebuilt is not None and services.blobs.exists(rebuilt)

    stale = services.blobs.put(_old_format_blob(), "npz")
    _set_index_hash(services, deck_id, stale)
    assert _ask(services, deck_id).answer == baseline.answer
    assert _index_hash(services, deck_id) not in (None, stale)
    assert not services.blobs.exists(stale)  # the unusable blob is collected

    current = _index_hash(services, deck_id)
    assert current is not None
    services.blobs.delete(current)
    assert _ask(services, deck_id).answer == baseline.answer
    assert services.blobs.exists(str(_index_hash(services, deck_id)))
