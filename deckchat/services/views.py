"""Read-only views of decks and slides, shaped for the API and the CLI's JSON alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ErrorView:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ProgressView:
    job_id: str | None
    stage: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class DeckView:
    id: str
    slug: str
    title: str
    description: str
    visibility: str
    owner_id: str | None
    has_password: bool
    expires_at: datetime | None
    password_stamp: str | None  # see deck_access.password_stamp; never sent to clients
    status: str
    slide_count: int
    source_filename: str
    source_format: str
    url: str
    thumbnail: str | None
    progress: ProgressView
    error: ErrorView | None
    created_at: datetime
    notes_mode: str
    suggested_questions: list[str]
    allow_download: bool
    download_url: str | None
    version: int
    replacing: ProgressView | None  # a new version being processed; the deck serves this one meanwhile
    replace_error: ErrorView | None  # why the last new version failed
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SlideView:
    number: int
    title: str
    text: str
    notes: str
    ocr: bool
    image: str
    thumbnail: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class NotesSectionView:
    heading_path: list[str]
    text: str


@dataclass(frozen=True, slots=True)
class NotesDocView:
    filename: str
    format: str
    sections: list[NotesSectionView]


@dataclass(frozen=True, slots=True)
class SlideStatsView:
    number: int
    title: str
    views: int
    questions: int  # asked while viewers were on this slide


@dataclass(frozen=True, slots=True)
class UnansweredView:
    question: str
    slide: int | None
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class AnalyticsView:
    deck_id: str
    total_views: int
    total_questions: int
    slides: list[SlideStatsView]
    unanswered: list[UnansweredView]  # newest first: the presenter's to-do list


def media_url(digest: str) -> str:
    """Where the server serves a blob: the hash in the path makes the URL immutable."""
    return f"/media/{digest}.webp"
