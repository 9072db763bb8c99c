"""Read-only views of decks and slides, shaped for the API and the CLI's JSON alike."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat, DeckStatus, NotesFormat, Slide, SlideContent, Stage, Visibility


@dataclass(frozen=True, slots=True)
class ErrorView:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ProgressView:
    job_id: str | None
    stage: Stage
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class DeckView:
    id: str
    slug: str
    title: str
    description: str
    visibility: Visibility
    owner_id: str | None
    has_password: bool
    expires_at: datetime | None
    password_stamp: str | None  # see deck_access.password_stamp; never sent to clients
    status: DeckStatus
    slide_count: int
    source_filename: str
    source_format: DeckFormat
    url: str
    thumbnail: str | None
    progress: ProgressView
    error: ErrorView | None
    created_at: datetime
    notes_mode: NotesMode
    suggested_questions: list[str]
    allow_download: bool
    download_url: str | None
    version: int
    replacing: ProgressView | None  # a new version being processed; the deck serves this one meanwhile
    replace_error: ErrorView | None  # why the last new version failed
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SlideView(SlideContent):
    """A slide as clients see it: core's fields, with the URLs of its images in place of their hashes."""

    image: str
    thumbnail: str


def slide_view(slide: Slide) -> SlideView:
    shown = {f.name: getattr(slide, f.name) for f in fields(SlideContent)}
    return SlideView(**shown, image=media_url(slide.image_hash), thumbnail=media_url(slide.thumb_hash))


@dataclass(frozen=True, slots=True)
class NotesSectionView:
    heading_path: list[str]
    text: str


@dataclass(frozen=True, slots=True)
class NotesDocView:
    filename: str
    format: NotesFormat
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
