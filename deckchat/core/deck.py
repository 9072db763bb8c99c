"""What a deck is once ingested: slides with their text, and notes documents split into sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DeckFormat(StrEnum):
    PDF = "pdf"
    PPTX = "pptx"
    PPT = "ppt"
    ODP = "odp"
    KEY = "key"

    @property
    def needs_conversion(self) -> bool:
        return self is not DeckFormat.PDF


class NotesFormat(StrEnum):
    MARKDOWN = "md"
    TEXT = "txt"
    DOCX = "docx"
    PDF = "pdf"


class Visibility(StrEnum):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"
    PASSWORD = "password"  # anyone with the link who enters the password, once per browser session


class DeckStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Stage(StrEnum):
    """Ingestion stages, in the order a job passes through them."""

    QUEUED = "queued"
    VALIDATE = "validate"
    CONVERT = "convert"
    RENDER = "render"
    OCR = "ocr"
    NOTES = "notes"
    INDEX = "index"
    STORE = "store"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class SlideText:
    """Text pulled from one slide, before images are attached."""

    title: str = ""
    text: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Slide:
    number: int
    title: str
    text: str
    notes: str
    ocr: bool
    image_hash: str
    thumb_hash: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class NotesSection:
    """A run of a notes document under one heading; heading_path runs from the outermost heading in."""

    heading_path: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class NotesDocument:
    filename: str
    format: NotesFormat
    blob_hash: str
    sections: tuple[NotesSection, ...]


@dataclass(slots=True)
class Deck:
    title: str
    format: DeckFormat
    slides: list[Slide] = field(default_factory=list)
    notes: list[NotesDocument] = field(default_factory=list)
