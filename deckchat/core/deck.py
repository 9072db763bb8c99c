"""What a deck is once ingested: slides with their text, and notes documents split into sections.

These constructors are where text enters a deck, whatever its source (pdfium, python-pptx, OCR, a notes
parser, the database), so they make it valid Unicode (``clean_text``) and the names shown for it free of
format characters (``display_name``): no source can hand on text the indexer or a database would choke on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deckchat.core.boxes import TextLine
from deckchat.core.text import clean_text, display_name


class DeckFormat(StrEnum):
    """A deck's file format, as its bytes show it; the value is its usual extension."""

    PDF = "pdf"
    PPTX = "pptx"
    PPT = "ppt"
    ODP = "odp"
    KEY = "key"

    @property
    def needs_conversion(self) -> bool:
        return self is not DeckFormat.PDF


class NotesFormat(StrEnum):
    """A notes document's file format; the value is its usual extension."""

    MARKDOWN = "md"
    TEXT = "txt"
    DOCX = "docx"
    PDF = "pdf"


class Visibility(StrEnum):
    """Who may open a deck: public (listed on its presenter's page), unlisted (anyone with the link),
    private (its presenter alone) or password."""

    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"
    PASSWORD = "password"  # anyone with the link who enters the password, once per browser session


class DeckStatus(StrEnum):
    """Where a deck's first ingestion is; a ready deck stays ready while a new version is processed."""

    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class JobStatus(StrEnum):
    """Where an ingestion job is: waiting, held by a worker under a lease, or finished."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
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
class SlideContent:
    """What a slide shows, wherever its images are kept: the fields every layer carries, from the store's
    rows to the API. A new slide field goes here (and in the slides table); the layers above inherit it."""

    number: int
    title: str
    text: str
    notes: str
    ocr: bool
    width: int
    height: int
    # Where the located text's lines are drawn (core/boxes.py); None for a slide ingested before
    # deckchat stored them, which shows no regions until its deck is ingested again.
    lines: tuple[TextLine, ...] | None = None

    def __post_init__(self) -> None:
        _set(self, title=clean_text(self.title), text=clean_text(self.text), notes=clean_text(self.notes))


@dataclass(frozen=True, slots=True, kw_only=True)
class Slide(SlideContent):
    """A slide with its rendered images, by blob hash. The hashes are keywords so that no positional call
    written for another field order can put a size where a hash belongs."""

    image_hash: str
    thumb_hash: str


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
