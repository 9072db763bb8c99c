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
from deckchat.services.chat import ChatService, Reply
from deckchat.services.library import Library
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows

pytestmark = pytest.mark.slow
DECK = "cncf-what-is-cloud-native-2016.pdf"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library(Settings(home=tmp_path_factory.mktemp("home")))
    yield library
    library.close()


def _set_index_hash(library: Library, deck_id: str, digest: str | None) -> None:
    with library.db.session() as session:
        deck = deck_rows.find_deck(session, deck_id)
        assert deck is not None
        deck.index_hash = digest


def _index_hash(library: Library, deck_id: str) -> str | None:
    with library.db.session() as session:
        deck = deck_rows.find_deck(session, deck_id)
        assert deck is not None
        return deck.index_hash


def _ask(library: Library, deck_id: str) -> Reply:
    service = ChatService(library)  # a fresh service: nothing cached from earlier questions
    replies = [i for i in service.ask(deck_id, "What is cloud native?") if isinstance(i, Reply)]
    return replies[0]


def _old_format_blob() -> bytes:
    meta = {"version": FORMAT_VERSION - 1, "embedders": {}, "chunks": []}
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return buffer.getvalue()


def test_missing_stale_and_deleted_indexes_are_rebuilt(library: Library, decks_dir: Path) -> None:
    deck_id = ensure_deck(library, decks_dir / DECK)
    original = _index_hash(library, deck_id)
    assert original is not None
    baseline = _ask(library, deck_id)
    assert baseline.answer.citations

    _set_index_hash(library, deck_id, None)  # ingested before indexing existed
    assert _ask(library, deck_id).answer == baseline.answer
    rebuilt = _index_hash(library, deck_id)
    assert rebuilt is not None and library.blobs.exists(rebuilt)

    stale = library.blobs.put(_old_format_blob(), "npz")
    _set_index_hash(library, deck_id, stale)
    assert _ask(library, deck_id).answer == baseline.answer
    assert _index_hash(library, deck_id) not in (None, stale)
    assert not library.blobs.exists(stale)  # the unusable blob is collected

    current = _index_hash(library, deck_id)
    assert current is not None
    library.blobs.delete(current)
    assert _ask(library, deck_id).answer == baseline.answer
    assert library.blobs.exists(str(_index_hash(library, deck_id)))
