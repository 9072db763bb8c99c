"""Request and response bodies. The TypeScript client is generated from these through OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(_Out):
    code: str
    message: str


class ErrorBody(_Out):
    error: ErrorDetail


class Progress(_Out):
    job_id: str | None
    stage: str
    done: int
    total: int


class DeckOut(_Out):
    id: str
    slug: str
    title: str
    description: str
    visibility: Literal["public", "unlisted", "private"]
    status: Literal["queued", "processing", "ready", "failed"]
    slide_count: int
    source_filename: str
    source_format: str
    url: str
    thumbnail: str | None
    progress: Progress
    error: ErrorDetail | None
    created_at: datetime
    notes_mode: Literal["hidden", "private", "public"]
    suggested_questions: list[str]


class DeckList(_Out):
    decks: list[DeckOut]


class DeckCreated(_Out):
    id: str
    slug: str
    job_id: str
    status: str
    url: str


class SlideOut(_Out):
    number: int
    title: str
    text: str
    notes: str
    ocr: bool
    image: str
    thumbnail: str
    width: int
    height: int


class SlideList(_Out):
    deck_id: str
    slides: list[SlideOut]


class NotesSectionOut(_Out):
    heading_path: list[str]
    text: str


class NotesDocOut(_Out):
    filename: str
    format: str
    sections: list[NotesSectionOut]


class NotesList(_Out):
    deck_id: str
    documents: list[NotesDocOut]


class ChatRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    conversation_id: str | None = None
    slide: int | None = Field(default=None, ge=1, description="The slide the viewer is on.")


class CitationOut(_Out):
    slide: int
    quote: str


class AnswerOut(_Out):
    answer: str
    citations: list[CitationOut]
    refused: bool
    llm: str
    grounding_replaced: bool
    conversation_id: str
