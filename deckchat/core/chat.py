"""The vocabulary of chat: searchable chunks, retrieved evidence, citations and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deckchat.core.boxes import Box


class NotesMode(StrEnum):
    """How a deck's notes (speaker notes and notes documents) may be used by the chat."""

    HIDDEN = "hidden"  # never used
    # Notes only help rank the slides they belong to; no text of them reaches the chat's evidence, so
    # no answer, quote, prompt or stream can carry it (chunking.evidence_chunks, DeckIndex.search).
    PRIVATE = "private"
    PUBLIC = "public"  # used and quoted


class ChunkKind(StrEnum):
    SLIDE = "slide"  # a slide's title, text and tables
    SPEAKER_NOTES = "speaker_notes"  # a slide's speaker notes
    NOTES_SECTION = "notes_section"  # a section of a notes document


@dataclass(frozen=True, slots=True)
class Chunk:
    """A unit of search. ``slide`` is the slide it belongs to (0 for notes not tied to a slide)."""

    id: int
    kind: ChunkKind
    slide: int
    text: str
    heading_path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its fused score and the per-retriever scores behind it."""

    chunk: Chunk
    score: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Citation:
    """A slide an answer rests on and the line it quotes. ``notes``: the quote is from notes (speaker
    notes or a notes document), which the slide does not show. ``regions``: where the quote is drawn on
    the slide, one box per line (chat/regions.py); none for notes."""

    slide: int
    quote: str
    notes: bool = False
    regions: tuple[Box, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    answer: str
    citations: tuple[Citation, ...]
    refused: bool
    llm: str
    grounding_replaced: bool = False
