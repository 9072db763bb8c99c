"""Evidence as the chat sees it: retrieved chunks grouped by slide, split into quotable sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deckchat.core.chat import ChunkKind, Hit, NotesMode
from deckchat.core.chunking import is_evidence

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_MAX_SENTENCE = 400


@dataclass(frozen=True, slots=True)
class Sentence:
    slide: int
    text: str
    from_notes: bool
    chunk_score: float
    chunk: int = 0  # the chunk's id, and the sentence's position in it: to quote in reading order
    position: int = 0


def sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence or line of the retrieved chunks, with where it came from."""
    found: list[Sentence] = []
    for hit in hits:
        notes = hit.chunk.kind is not ChunkKind.SLIDE
        for position, part in enumerate(_SENTENCE_END.split(hit.chunk.text)):
            text = " ".join(part.split())[:_MAX_SENTENCE]
            if sum(c.isalnum() for c in text) >= 3:
                found.append(Sentence(hit.chunk.slide, text, notes, hit.score, hit.chunk.id, position))
    return found


def check_shown(hits: Sequence[Hit], mode: NotesMode) -> None:
    """Refuse evidence the notes mode keeps from viewers. ``DeckIndex.search`` never returns it; this
    makes a caller that builds its own evidence fail loudly instead of quoting private notes."""
    hidden = [hit.chunk.id for hit in hits if not is_evidence(hit.chunk, mode)]
    if hidden:
        raise ValueError(f"chunks {hidden} may not be shown in notes mode {mode.value}")


def evidence_text(hits: list[Hit], slides: set[int]) -> str:
    """All retrieved text of the given slides: what a claim citing them may rest on."""
    return "\n".join(hit.chunk.text for hit in hits if hit.chunk.slide in slides)
