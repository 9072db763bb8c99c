"""Open a PDF safely, and read each page's image and text with pdfium.

pdfium is not thread-safe, so every pdfium call for one document stays on the thread that opened it;
only the finished PIL images cross to other threads (for encoding).
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from deckchat.core.boxes import Box, MeasuredLine
from deckchat.core.errors import InvalidInput, TooLarge
from deckchat.core.limits import Limits
from deckchat.core.text import REPLACEMENT, clean_text
from deckchat.ingest.pictures import Picture, picture

# pdfium may not be called from two threads at once, even on different documents.
PDFIUM_LOCK = threading.RLock()
# A title is set visibly larger than the page's body text.
_TITLE_RATIO = 1.15
_MAX_TITLE = 160
_LINE_CODES = frozenset(map(ord, "\t\r\n"))
_FORM_DEPTH = 4  # nested form XObjects followed to find images; real decks nest one or two deep


@dataclass(frozen=True, slots=True)
class PageText:
    title: str
    text: str
    lines: tuple[MeasuredLine, ...] = ()  # every line of both, with where the page draws it


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    size: float  # the largest font size of its visible characters
    measured: MeasuredLine


@contextmanager
def open_pdf(path: Path, limits: Limits, *, label: str = "the deck") -> Iterator[pdfium.PdfDocument]:
    """Open a PDF, turning pdfium's failures into errors a user can act on, and check its pages.

    The pdfium lock is held while the document is open.
    """
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise _open_error(exc, label) from None
        try:
            check_pages(pdf, limits, label)
            yield pdf
        finally:
            pdf.close()


def _open_error(exc: pdfium.PdfiumError, label: str) -> InvalidInput:
    if getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return InvalidInput(
            f"{label} is password-protected; remove the password and upload it again.",
            code="encrypted_file",
        )
    return InvalidInput(
        f"{label} is a damaged PDF that cannot be read; export it as PDF again from the app that made it "
        "and upload that.",
        code="corrupt_pdf",
    )


@contextmanager
def page_errors(number: int, label: str) -> Iterator[None]:
    """pdfium failing on one page (it will not load, render or give its text): the deck is damaged."""
    try:
        yield
    except pdfium.PdfiumError as exc:
        raise InvalidInput(
            f"Page {number} of {label} is damaged and cannot be shown; export it as PDF again from the app "
            "that made it and upload that.",
            code="corrupt_pdf",
        ) from exc


def check_pages(pdf: pdfium.PdfDocument, limits: Limits, label: str) -> None:
    count = len(pdf)
    if count == 0:
        raise InvalidInput(
            f"{label} has no slides to show; check that it has slides and that not all of them are hidden, "
            "then upload it again.",
            code="no_slides",
        )
    if count > limits.max_slides:
        raise TooLarge(
            f"{label} has {count} pages; the limit is {limits.max_slides}.",
            code="too_many_slides",
        )
    for index in range(count):
        with page_errors(index + 1, label):
            width, height = pdf.get_page_size(index)
        _check_page_size(index + 1, width, height, limits, label)


def _check_page_size(number: int, width: float, height: float, limits: Limits, label: str) -> None:
    # Rendering to a fixed width makes a tall thin page an enormous bitmap: a render bomb.
    longest, shortest = max(width, height), min(width, height)
    if (
        not (math.isfinite(longest) and shortest > 1)
        or longest > limits.max_page_side_pt
        or longest / shortest > limits.max_page_aspect
    ):
        raise InvalidInput(
            f"Page {number} of {label} measures {width:.0f} by {height:.0f} pt, "
            "too large or too thin to show as a slide.",
            code="page_too_large",
        )


def render_page(page: pdfium.PdfPage, width_px: int) -> Image.Image:
    """Render a page to an RGB image ``width_px`` wide, forms and annotations included."""
    width, _ = page.get_size()
    bitmap = page.render(scale=width_px / width, may_draw_forms=True, rev_byteorder=True)
    # to_pil shares the bitmap's buffer; copy so the image outlives it on another thread.
    image: Image.Image = bitmap.to_pil().convert("RGB")
    return image


def page_pictures(page: pdfium.PdfPage) -> list[Picture]:
    """The page's images, those inside form XObjects too, with their place and share of the page."""
    width, height = page.get_size()
    images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=_FORM_DEPTH)
    pictures = []
    for image in images:
        left, bottom, right, top = image.get_bounds()
        # The raw stream, undecoded: cheap to hash, and the same logo reused is the same stream.
        digest = hashlib.blake2b(bytes(image.get_data(decode_simple=False)), digest_size=8).hexdigest()
        pictures.append(picture(digest, left, bottom, right, top, width, height))
    return pictures


def page_text(page: pdfium.PdfPage) -> PageText:
    """The page's text in content order, with the title split off when one is set large, and where
    each line is drawn."""
    textpage = page.get_textpage()
    try:
        lines = _sized_lines(textpage, *page.get_size())
    finally:
        textpage.close()
    return _split_title(lines)


def metadata_title(pdf: pdfium.PdfDocument) -> str:
    """The document's Title entry (pypdfium2's own reader raises on a malformed one)."""
    return _pdfium_string(lambda buffer, size: pdfium_c.FPDF_GetMetaText(pdf, b"Title\0", buffer, size))


def bookmark_title(bookmark: pdfium.PdfBookmark) -> str:
    return _pdfium_string(lambda buffer, size: pdfium_c.FPDFBookmark_GetTitle(bookmark, buffer, size))


def _pdfium_string(fetch: Callable[[ctypes.Array[ctypes.c_char] | None, int], int]) -> str:
    """A string pdfium writes as NUL-terminated UTF-16LE. A PDF string can hold any code units, a lone
    surrogate included, so it is decoded to let them through to ``clean_text`` instead of raising."""
    size = fetch(None, 0)
    buffer = ctypes.create_string_buffer(size)
    fetch(buffer, size)
    units = max(size - 2, 0) // 2
    return clean_text(buffer.raw[: units * 2].decode("utf-16-le", "surrogatepass"))


def _sized_lines(textpage: pdfium.PdfTextPage, width: float, height: float) -> list[_Line]:
    """Lines of text, each with the largest font size of its visible characters and its characters'
    boxes (the same walk, so boxes cost one more pdfium call a character).

    pdfium counts UTF-16 code units, not characters: one outside the BMP (math letters, emoji) takes
    two indices, a surrogate pair. Each line is collected as code units and decoded whole by
    ``clean_text``, which pairs them up and replaces a unit left alone (a broken ToUnicode map can map a
    glyph to one).
    """
    lines: list[_Line] = []
    line = _Collecting(width, height)
    box = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
    refs = [ctypes.byref(value) for value in box]
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
        if code < 0x20 and code not in _LINE_CODES:
            # A glyph without a Unicode mapping comes back as its raw character code; below 32 it is a
            # control character that means nothing here (pdfium writes its own line breaks as CR LF).
            continue
        unit = chr(code) if code <= sys.maxunicode else REPLACEMENT  # any int, for the same reason
        if unit in "\r\n":
            if unit == "\n":
                lines.append(line.finish())
                line = _Collecting(width, height)
            continue
        if unit.isspace():
            line.add(unit, None)
            continue
        pdfium_c.FPDFText_GetCharBox(textpage.raw, index, *refs)
        line.add(unit, (box[0].value, box[1].value, box[2].value, box[3].value))
        line.size = max(line.size, pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
    lines.append(line.finish())
    return [found for found in lines if found.text]


class _Collecting:
    """One line's code units and their boxes (left, right, bottom, top in points), as the walk meets
    them."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.units: list[str] = []
        self.boxes: list[tuple[float, float, float, float] | None] = []
        self.size = 0.0

    def add(self, unit: str, box: tuple[float, float, float, float] | None) -> None:
        self.units.append(unit)
        self.boxes.append(box)

    def finish(self) -> _Line:
        cleaned = clean_text("".join(self.units))
        text = cleaned.strip()
        drawn = [b for b in self.boxes if b is not None]
        if not text or not drawn:
            return _Line(text, self.size, MeasuredLine(text, Box(0, 0, 0, 0)))
        left, right = min(b[0] for b in drawn), max(b[1] for b in drawn)
        bottom, top = min(b[2] for b in drawn), max(b[3] for b in drawn)
        box = Box(
            left / self.width,
            1 - top / self.height,
            (right - left) / self.width,
            (top - bottom) / self.height,
        )
        edges: tuple[float, ...] = ()
        if len(cleaned) == len(self.units):  # one box per character: no surrogate pair was joined
            lead = len(cleaned) - len(cleaned.lstrip())
            edges = tuple(x / self.width for x in _edges(self.boxes[lead : lead + len(text)]))
        return _Line(text, self.size, MeasuredLine(text, box, edges))


def _edges(boxes: list[tuple[float, float, float, float] | None]) -> list[float]:
    """The x before each character and after the last: a glyph's left side, or at a space the right
    side of the glyph before it, so a span ending before a space ends at its own last glyph."""
    edges: list[float] = []
    last_right = 0.0
    for box in boxes:
        if box is None:
            edges.append(last_right)
        else:
            edges.append(box[0])
            last_right = box[1]
    edges.append(last_right)
    return edges


def _split_title(lines: list[_Line]) -> PageText:
    if not lines:
        return PageText("", "")
    measured = tuple(line.measured for line in lines)
    sizes = sorted(line.size for line in lines)
    body = sizes[len(sizes) // 2]
    top = sizes[-1]
    start = next(i for i, line in enumerate(lines) if line.size == top)
    if len(lines) > 1 and top < body * _TITLE_RATIO:
        return PageText("", "\n".join(line.text for line in lines), measured)
    end = start
    while end + 1 < len(lines) and lines[end + 1].size == top:
        end += 1
    title = " ".join(line.text for line in lines[start : end + 1])
    if len(title) > _MAX_TITLE:
        return PageText("", "\n".join(line.text for line in lines), measured)
    rest = lines[:start] + lines[end + 1 :]
    return PageText(title, "\n".join(line.text for line in rest), measured)
