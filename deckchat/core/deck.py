"""What a deck is once ingested: slides with their text, and notes documents split into sections.

These constructors are where text enters a deck, whatever its source (pdfium, python-pptx, OCR, a notes
parser, the database), so they make it valid Unicode (``clean_text``) and the names shown for it free of
format characters (``display_name``): no source can hand on text the indexer or a database would choke on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deckchat.core.text import clean_text, display_name


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

    def __post_init__(self) -> None:
        _set(self, title=clean_text(self.title), text=clean_text(self.text), notes=clean_text(self.notes))


@dataclass(frozen=True, slots=True)
class NotesSection:
    """A run of a notes document under one heading; heading_path runs from the outermost heading in."""

    heading_path: tuple[str, ...]
    text: str

    def __post_init__(self) -> None:
        _set(self, heading_path=tuple(map(clean_text, self.heading_path)), text=clean_text(self.text))


@dataclass(frozen=True, slots=True)
class NotesDocument:
    filename: str
    format: NotesFormat
    blob_hash: str
    sections: tuple[NotesSection, ...]

    def __post_init__(self) -> None:
        _set(self, filename=display_name(self.filename))


@dataclass(slots=True)
class Deck:
    title: str
    format: DeckFormat
    slides: list[Slide] = field(default_factory=list)
    notes: list[NotesDocument] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.title = display_name(self.title)


def _set(frozen: object, **values: object) -> None:
    """Set fields of a frozen instance from its own __post_init__, the one place that may."""
    for name, value in values.items():
        object.__setattr__(frozen, name, value)
