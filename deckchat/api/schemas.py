"""Request and response bodies. The TypeScript client is generated from these through OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from deckchat.core.errors import InvalidInput
from deckchat.core.expiry import parse_expiry


def _expiry(value: Any) -> Any:
    """Text goes through core's expiry reading (a bare date is the end of that day), as the CLI's does."""
    if not isinstance(value, str):
        return value
    try:
        return parse_expiry(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


# Still a date-time in the OpenAPI schema; only the reading of a bare date or a zoneless time is ours.
Expiry = Annotated[datetime | None, BeforeValidator(_expiry)]


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
    visibility: Literal["public", "unlisted", "private", "password"]
    has_password: bool = Field(description="Whether a password is set (used by the password visibility).")
    expires_at: datetime | None = Field(description="When the link stops working for viewers; null: never.")
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


class DeckChanges(BaseModel):
    """The fields of a deck a presenter may change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    visibility: Literal["public", "unlisted", "private", "password"] | None = None
    password: str | None = Field(
        default=None,
        min_length=8,
        max_length=1000,
        description="The password viewers enter (password visibility).",
    )
    expires_at: Expiry = Field(
        default=None, description="When the link stops working for viewers; send null to remove the expiry."
    )
    notes_mode: Literal["hidden", "private", "public"] | None = None
    allow_download: bool | None = None


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
    conversation_id: str | None = Field(default=None, max_length=64)
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
