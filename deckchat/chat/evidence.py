"""Evidence as the chat sees it: retrieved chunks grouped by slide, split into quotable sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deckchat.core.chat import ChunkKind, Hit, NotesMode

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


def quotable(sentence: Sentence, mode: NotesMode) -> bool:
    """Private notes inform answers but are never shown as a citation's quote."""
    return not sentence.from_notes or mode is NotesMode.PUBLIC


def evidence_text(hits: list[Hit], slides: set[int]) -> str:
    """All retrieved text of the given slides: what a claim citing them may rest on."""
    return "\n".join(hit.chunk.text for hit in hits if hit.chunk.slide in slides)
