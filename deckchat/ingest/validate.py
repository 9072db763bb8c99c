"""Decide whether an upload can be ingested, before a job is queued for it.

Everything here is quick (no rendering, no conversion), so the API can answer bad input with a 4xx at
once rather than failing a job later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree.ElementTree import ParseError
from zipfile import ZipFile

from defusedxml import ElementTree

from deckchat.core.deck import DeckFormat, NotesFormat
from deckchat.core.errors import TooLarge
from deckchat.core.limits import Limits
from deckchat.core.text import display_name
from deckchat.ingest.pdf import open_pdf
from deckchat.ingest.sniff import sniff_deck, sniff_notes
from deckchat.ingest.zipsafe import check_zip, corrupt

_ZIPPED_DECKS = {DeckFormat.PPTX, DeckFormat.ODP, DeckFormat.KEY}
_MAX_NOTES_PAGES = 5000
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_ODF_PAGE = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}page"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An uploaded file on disk, with the name the user gave it: shown to people, never used as a path."""

    path: Path
    filename: str

    def __post_init__(self) -> None:
        # Every upload passes here (API, CLI, new versions, jobs), so no file name keeps a bidi control.
        object.__setattr__(self, "filename", display_name(self.filename) or "upload")


def validate_deck(source: SourceFile, limits: Limits) -> DeckFormat:
    fmt = sniff_deck(source.path, source.filename, limits)
    if fmt in _ZIPPED_DECKS:
        check_zip(source.path, limits, filename=source.filename)
    if fmt is DeckFormat.PDF:
        with open_pdf(source.path, limits, label=source.filename):
            pass
    # Counted before conversion: LibreOffice would spend minutes on a deck refused afterwards.
    if fmt is DeckFormat.PPTX:
        _check_slide_count(_pptx_slide_count(source.path, source.filename), limits, source.filename)
    if fmt is DeckFormat.ODP:
        _check_slide_count(_odp_slide_count(source.path, source.filename), limits, source.filename)
    return fmt


def validate_notes(source: SourceFile, limits: Limits) -> NotesFormat:
    fmt = sniff_notes(source.path, source.filename, limits)
    if fmt is NotesFormat.DOCX:
        check_zip(source.path, limits, filename=source.filename)
    if fmt is NotesFormat.PDF:
        # Notes are not slides: only the page-size and password checks matter.
        with open_pdf(source.path, _notes_limits(limits), label=source.filename):
            pass
    return fmt


def _notes_limits(limits: Limits) -> Limits:
    return replace(limits, max_slides=_MAX_NOTES_PAGES)


def _pptx_slide_count(path: Path, filename: str) -> int:
    try:
        with ZipFile(path) as archive, archive.open("ppt/presentation.xml") as part:
            root = ElementTree.parse(part).getroot()
    except ParseError as exc:  # check_zip has vouched for the zip itself; this is the XML inside
        raise corrupt(filename) from exc
    slide_list = root.find(f"{_P}sldIdLst")
    return 0 if slide_list is None else len(slide_list)


def _odp_slide_count(path: Path, filename: str) -> int:
    count = 0
    try:
        with ZipFile(path) as archive, archive.open("content.xml") as part:
            for _, element in ElementTree.iterparse(part):
                count += element.tag == _ODF_PAGE
                element.clear()  # an ODP of hundreds of slides has a large content part
    except (ParseError, KeyError) as exc:
        raise corrupt(filename) from exc
    return count


def _check_slide_count(count: int, limits: Limits, filename: str) -> None:
    if count > limits.max_slides:
        raise TooLarge(
            f"{filename} has {count} slides; the limit is {limits.max_slides}.", code="too_many_slides"
        )
