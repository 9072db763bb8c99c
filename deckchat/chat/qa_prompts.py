"""Deck QA prompts for benchmarks and tests: a QA file's questions, with evidence retrieved from the
real decks and the prompt built as the chat builds it (search, extract, quoted evidence first).

Slide text comes from the decks themselves (python-pptx for PPTX, pdfium for PDF), so no LibreOffice
or database is needed; the index is the chat's own ``DeckIndex``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

from deckchat.chat.answer import generation_prompt
from deckchat.chat.extractive import extract
from deckchat.core.chat import NotesMode
from deckchat.core.chunking import chunk_deck
from deckchat.core.deck import Slide, SlideText
from deckchat.core.limits import Limits
from deckchat.index.deck_index import DeckIndex
from deckchat.index.embed import Embedder
from deckchat.ingest.pdf import open_pdf, page_text
from deckchat.ingest.pptx_text import extract_pptx
from deckchat.llm.base import Message

HITS = 8  # what the chat retrieves per question (services/chat.py)


def qa_prompts(
    qa_file: Path,
    decks_dir: Path,
    *,
    decks: Collection[str] | None = None,
    limit: int | None = None,
    embedders: Sequence[Embedder] | None = None,
) -> list[list[Message]]:
    """The prompts for the first ``limit`` answerable questions of ``qa_file`` (about ``decks``, when
    given; the decks are under ``decks_dir``). ``embedders`` as ``DeckIndex.build``'s."""
    rows = [json.loads(line) for line in qa_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [
        row for row in rows if row.get("kind") != "not-in-deck" and (decks is None or row["deck"] in decks)
    ][:limit]
    indexes: dict[str, DeckIndex] = {}
    prompts = []
    for row in answerable:
        deck = row["deck"]
        if deck not in indexes:
            indexes[deck] = DeckIndex.build(chunk_deck(deck_slides(decks_dir / deck), []), embedders)
        hits = indexes[deck].search(row["question"], k=HITS, mode=NotesMode.PUBLIC)
        prompts.append(generation_prompt(row["question"], hits, extract(row["question"], hits)))
    return prompts


def deck_slides(path: Path) -> list[Slide]:
    """A deck's slides with their text and speaker notes, without images."""
    texts = extract_pptx(path) if path.suffix.lower() == ".pptx" else _pdf_texts(path)
    return [
        Slide(
            number=n,
            title=t.title,
            text=t.text,
            notes=t.notes,
            ocr=False,
            width=0,
            height=0,
            image_hash="",
            thumb_hash="",
        )
        for n, t in enumerate(texts, start=1)
    ]


def _pdf_texts(path: Path) -> list[SlideText]:
    with open_pdf(path, Limits(), label=path.name) as pdf:
        return [SlideText(title=t.title, text=t.text) for t in (page_text(page) for page in pdf)]
