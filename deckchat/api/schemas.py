"""Request and response bodies. The TypeScript client is generated from these through OpenAPI."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from deckchat.core.boxes import Box
from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat, DeckStatus, Stage, Visibility
from deckchat.services.views import NotesDocView, SlideView


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(_Out):
    code: str
    message: str


class ErrorBody(_Out):
    error: ErrorDetail


class Progress(_Out):
    job_id: str | None
    stage: Stage
    done: int
    total: int


class DeckOut(_Out):
    id: str
    slug: str
    title: str
    description: str
    visibility: Visibility
    has_password: bool = Field(description="Whether a password is set (used by the password visibility).")
    expires_at: datetime | None = Field(description="When the link stops working for viewers; null: never.")
    status: DeckStatus
    slide_count: int
    source_filename: str
    source_format: DeckFormat
    url: str
    thumbnail: str | None
    progress: Progress
    error: ErrorDetail | None
    created_at: datetime
    notes_mode: NotesMode
    suggested_questions: list[str]
    allow_download: bool
    download_url: str | None = Field(
        description="Where the original file is served, when downloads are allowed."
    )
    version: int = Field(
        description="1 for the first upload; one more for each replacement that became ready."
    )
    replacing: Progress | None = Field(
        description="A new version being processed; the deck serves its current version meanwhile."
    )
    replace_error: ErrorDetail | None = Field(
        description="Why the last new version failed; the current one stays."
    )
    updated_at: datetime


class ViewedSlide(BaseModel):
    slide: int = Field(ge=1, description="The slide a viewer has had on screen.")


class SlideStats(_Out):
    number: int
    title: str
    views: int
    questions: int = Field(description="Questions asked while viewers were on this slide.")


class UnansweredQuestion(_Out):
    question: str
    slide: int | None
    asked_at: datetime


class Analytics(_Out):
    deck_id: str
    total_views: int
    total_questions: int
    slides: list[SlideStats]
    unanswered: list[UnansweredQuestion] = Field(
        description="Questions the bot could not answer, newest first."
    )


class DeckList(_Out):
    decks: list[DeckOut]


class DeckCreated(_Out):
    id: str
    slug: str
    job_id: str
    status: DeckStatus
    url: str


# Slides and notes go out as the services' views: a field added to core's slide reaches clients unrestated.
class SlideList(_Out):
    deck_id: str
    slides: list[SlideView]


class NotesList(_Out):
    deck_id: str
    documents: list[NotesDocView]


class ChatRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    conversation_id: str | None = Field(default=None, max_length=64)
    slide: int | None = Field(default=None, ge=1, description="The slide the viewer is on.")


class CitationOut(_Out):
    slide: int
    quote: str
    # One box per line of the slide the quote covers; empty for a quote from notes, and for a slide
    # ingested before deckchat stored where its text is drawn.
    regions: list[Box]


class AnswerOut(_Out):
    answer: str
    citations: list[CitationOut]
    refused: bool
    llm: str
    grounding_replaced: bool
    conversation_id: str


class UserOut(_Out):
    id: str
    email: str
    handle: str


class SessionOut(_Out):
    user: UserOut | None = Field(description="The signed-in presenter; null for a viewer.")
    csrf_token: str | None = Field(
        description="Send it as X-CSRF-Token with every POST, PATCH and DELETE made with the session cookie."
    )


class SignIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


class SignInLink(BaseModel):
    token: str = Field(min_length=20, max_length=200, description="The secret after #link= in the link.")


class DeckPassword(BaseModel):
    password: str = Field(min_length=1, max_length=1000)
