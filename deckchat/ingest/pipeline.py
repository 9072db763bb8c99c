"""Run one deck through every ingestion stage and return the finished Deck.

Stages run in the order of ``Stage``. pdfium calls all stay on the calling thread; WebP encoding and
blob writes run on a small pool beside it, which is where most of the time goes.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium

from deckchat.core.boxes import MeasuredLine, located_text, place_lines
from deckchat.core.deck import Deck, DeckFormat, NotesDocument, NotesFormat, Slide, SlideText, Stage
from deckchat.core.limits import Limits
from deckchat.core.ports import BlobSink, ProgressSink
from deckchat.core.text import display_name
from deckchat.ingest.convert import convert_to_pdf
from deckchat.ingest.images import slide_images
from deckchat.ingest.notes import parse_notes
from deckchat.ingest.ocr import ocr_lines
from deckchat.ingest.pdf import (
    PDFIUM_LOCK,
    metadata_title,
    open_pdf,
    page_errors,
    page_pictures,
    page_text,
    render_page,
)
from deckchat.ingest.pictures import Picture, content_shares
from deckchat.ingest.pptx_text import extract_pptx
from deckchat.ingest.validate import SourceFile, validate_deck

log = logging.getLogger(__name__)

# Pages rendered ahead of the encoders; bounds memory to a few bitmaps whatever the deck's length.
_IN_FLIGHT = 4
_JUNK_TITLES = re.compile(
    r"^(powerpoint[- ]pr[aä]sentation|powerpoint presentation|presentation\d*|untitled.*|slide \d+"
    r"|microsoft powerpoint.*|.*\.(pptx?|pdf|odp|key)|.*title goes here.*|click to (add|edit) title)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    limits: Limits
    soffice: str = "soffice"
    convert_timeout_s: float = 180.0
    image_width: int = 1600
    thumb_width: int = 320
    webp_quality: int = 80
    ocr_min_chars: int = 12
    ocr_picture_share: float = 0.25


@dataclass(frozen=True, slots=True)
class NotesSource:
    file: SourceFile
    format: NotesFormat
    blob_hash: str


def ingest(
    source: SourceFile,
    notes: Sequence[NotesSource],
    *,
    options: IngestOptions,
    blobs: BlobSink,
    progress: ProgressSink,
    work_dir: Path,
) -> Deck:
    progress(Stage.VALIDATE, 0, 1)
    fmt = validate_deck(source, options.limits)
    texts: list[SlideText] | None = None
    pdf_path = source.path
    if fmt.needs_conversion:
        progress(Stage.CONVERT, 0, 1)
        if fmt is DeckFormat.PPTX:
            texts = _pptx_texts(source.path)
        pdf_path = convert_to_pdf(
            source.path, fmt, work_dir, soffice=options.soffice, timeout_s=options.convert_timeout_s
        )
        progress(Stage.CONVERT, 1, 1)
    label = Path(source.filename).name
    with open_pdf(pdf_path, options.limits, label=label) as pdf:
        if texts is not None and len(texts) != len(pdf):
            log.warning(
                "PPTX has %d visible slides but its PDF %d pages; using PDF text", len(texts), len(pdf)
            )
            texts = None
        slides, pictures, measured = _render(pdf, texts, options, blobs, progress, label)
        slides = _ocr(pdf, slides, measured, content_shares(pictures), options, progress, label)
        slides = [_with_lines(slide, lines) for slide, lines in zip(slides, measured, strict=True)]
        title = _metadata_title(pdf)
    progress(Stage.NOTES, 0, len(notes))
    documents = [_notes_document(item) for item in notes]
    progress(Stage.NOTES, len(notes), len(notes))
    return Deck(
        title=title or _first_title(slides) or Path(source.filename).stem,
        format=fmt,
        slides=slides,
        notes=documents,
    )


def _pptx_texts(path: Path) -> list[SlideText] | None:
    """The deck's text as python-pptx reads it, or None to use the text of LibreOffice's PDF.

    python-pptx is stricter than PowerPoint and LibreOffice (an attribute it cannot parse, a part it
    cannot find), and its text only improves on the PDF's, so its failure must not fail the deck; a
    deck LibreOffice cannot read either fails in conversion with its own error.
    """
    try:
        return extract_pptx(path)
    except Exception:
        log.warning("python-pptx could not read the deck; using the text of its PDF", exc_info=True)
        return None


def _render(
    pdf: pdfium.PdfDocument,
    texts: list[SlideText] | None,
    options: IngestOptions,
    blobs: BlobSink,
    progress: ProgressSink,
    label: str,
) -> tuple[list[Slide], list[list[Picture]], list[list[MeasuredLine]]]:
    """Each page's slide (images stored, text set), the pictures on it, and its measured lines."""
    total = len(pdf)
    slides: list[Slide] = []
    pictures: list[list[Picture]] = []
    measured: list[list[MeasuredLine]] = []
    pending: deque[tuple[SlideText, Future[Slide]]] = deque()
    progress(Stage.RENDER, 0, total)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="encode") as pool:
        for index in range(total):
            with page_errors(index + 1, label):
                page = pdf[index]
                image = render_page(page, options.image_width)
                drawn = page_text(page)
                measured.append(list(drawn.lines))
                text = texts[index] if texts is not None else SlideText(title=drawn.title, text=drawn.text)
                pictures.append(page_pictures(page))
                page.close()
            pending.append((text, pool.submit(_store_images, index + 1, image, options, blobs)))
            while len(pending) >= _IN_FLIGHT or (index == total - 1 and pending):
                slide_text, future = pending.popleft()
                slides.append(_with_text(future.result(), slide_text))
                progress(Stage.RENDER, len(slides), total)
    return slides, pictures, measured


def _store_images(number: int, image: object, options: IngestOptions, blobs: BlobSink) -> Slide:
    images = slide_images(image, options.thumb_width, options.webp_quality)  # type: ignore[arg-type]
    return Slide(
        number=number,
        title="",
        text="",
        notes="",
        ocr=False,
        image_hash=blobs.put(images.full, "webp"),
        thumb_hash=blobs.put(images.thumb, "webp"),
        width=images.width,
        height=images.height,
    )


def _with_text(slide: Slide, text: SlideText) -> Slide:
    return replace(slide, title=text.title, text=text.text, notes=text.notes)


def _with_lines(slide: Slide, measured: list[MeasuredLine]) -> Slide:
    """The slide with its lines placed in its text, whichever extractor wrote that text (pdfium,
    python-pptx, OCR): the measured lines are found in it by their text."""
    return replace(slide, lines=place_lines(located_text(slide.title, slide.text), measured))


def _textless(slide: Slide, options: IngestOptions) -> bool:
    return sum(not c.isspace() for c in slide.title + slide.text) < options.ocr_min_chars


def _needs_ocr(slide: Slide, picture_share: float, options: IngestOptions) -> bool:
    """A slide with (almost) no text layer, or one whose content is largely pictures."""
    return _textless(slide, options) or picture_share >= options.ocr_picture_share


def _ocr(
    pdf: pdfium.PdfDocument,
    slides: list[Slide],
    measured: list[list[MeasuredLine]],
    picture_shares: list[float],
    options: IngestOptions,
    progress: ProgressSink,
    label: str,
) -> list[Slide]:
    todo = [i for i, slide in enumerate(slides) if _needs_ocr(slide, picture_shares[i], options)]
    progress(Stage.OCR, 0, len(todo))
    for done, index in enumerate(todo, start=1):
        with page_errors(index + 1, label):
            page = pdf[index]
            image = render_page(page, options.image_width)
            page.close()
        slide = slides[index]
        read = ocr_lines(image)
        found = new_lines("\n".join(line.text for line in read), slide.title + "\n" + slide.text)
        if found or _textless(slide, options):
            text = "\n".join(part for part in (slide.text, found) if part)
            slides[index] = replace(slide, text=text, ocr=True)
            kept = set(found.splitlines())
            measured[index].extend(line for line in read if line.text in kept)
        progress(Stage.OCR, done, len(todo))
    return slides


def new_lines(read: str, known: str) -> str:
    """The lines OCR read that the text layer lacks: a screenshot's words, not the title read twice."""
    have = _squashed(known)
    return "\n".join(line for line in read.splitlines() if _squashed(line) not in have)


def _squashed(text: str) -> str:
    return "".join(text.split()).casefold()


def _metadata_title(pdf: pdfium.PdfDocument) -> str:
    title = display_name(metadata_title(pdf))
    return "" if _JUNK_TITLES.match(title) else title


def _first_title(slides: list[Slide]) -> str:
    return next((slide.title for slide in slides if slide.title), "")


def _notes_document(item: NotesSource) -> NotesDocument:
    with PDFIUM_LOCK:
        sections = parse_notes(item.file.path, item.format)
    return NotesDocument(
        filename=item.file.filename, format=item.format, blob_hash=item.blob_hash, sections=tuple(sections)
    )
