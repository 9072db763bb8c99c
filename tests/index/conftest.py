"""The real decks, ingested once per session and indexed with the real embedders."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from deckchat.core.chat import Chunk
from deckchat.core.chunking import chunk_deck
from deckchat.core.deck import NotesDocument, NotesFormat, NotesSection, Slide, SlideContent
from deckchat.index.deck_index import DeckIndex
from deckchat.index.embed import default_embedders
from deckchat.services.app_services import Services
from tests.conftest import IngestedDecks

# Texts for the embedders and the encoder under them: two sentences, nothing, and one past the 256
# word pieces the model reads.
TEXTS = [
    "The steering committee has seven members elected by contributors.",
    "Pandas represents missing values with NaN.",
    "",
    "A much longer passage " * 80,
]


@dataclass(frozen=True)
class IndexedDeck:
    chunks: list[Chunk]
    index: DeckIndex
    build_seconds: float


@pytest.fixture(scope="session")
def questions(decks_dir: Path) -> list[dict[str, object]]:
    lines = (decks_dir / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def real_decks(ingested_decks: IngestedDecks) -> dict[str, tuple[list[Slide], list[NotesDocument]]]:
    """Each real deck's slides and notes documents, as a full ingestion stores them."""
    services = ingested_decks.services
    return {
        name: (_slides(services, deck_id), _notes(services, deck_id))
        for name, deck_id in ingested_decks.ids.items()
    }


@pytest.fixture(scope="session")
def indexed(real_decks: dict[str, tuple[list[Slide], list[NotesDocument]]]) -> dict[str, IndexedDeck]:
    for embedder in default_embedders():  # load the models first: build times are per-chunk work only
        embedder.embed(["warm up"])
    out = {}
    for name, (slides, notes) in real_decks.items():
        chunks = chunk_deck(slides, notes)
        start = time.perf_counter()
        index = DeckIndex.build(chunks)
        out[name] = IndexedDeck(chunks, index, time.perf_counter() - start)
    return out


def _slides(services: Services, deck_id: str) -> list[Slide]:
    return [
        Slide(
            **{f.name: getattr(s, f.name) for f in fields(SlideContent)},
            image_hash=s.image,
            thumb_hash=s.thumbnail,
        )
        for s in services.content.slides(deck_id)
    ]


def _notes(services: Services, deck_id: str) -> list[NotesDocument]:
    return [
        NotesDocument(
            d.filename,
            NotesFormat(d.format),
            "",
            tuple(NotesSection(tuple(s.heading_path), s.text) for s in d.sections),
        )
        for d in services.content.notes(deck_id)
    ]
