"""Open a PDF safely, and read each page's image and text with pdfium.

pdfium is not thread-safe, so every pdfium call for one document stays on the thread that opened it;
only the finished PIL images cross to other threads (for encoding).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from deckchat.core.errors import InvalidInput, TooLarge
from deckchat.ingest.limits import Limits

# pdfium may not be called from two threads at once, even on different documents.
PDFIUM_LOCK = threading.RLock()
# A title is set visibly larger than the page's body text.
_TITLE_RATIO = 1.15
_MAX_TITLE = 160


@dataclass(frozen=True, slots=True)
class PageText:
    title: str
    text: str


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


def page_text(page: pdfium.PdfPage) -> PageText:
    """The page's text in content order, with the title split off when one is set large."""
    textpage = page.get_textpage()
    try:
        lines = _sized_lines(textpage)
    finally:
        textpage.close()
    return _split_title(lines)


def _sized_lines(textpage: pdfium.PdfTextPage) -> list[tuple[str, float]]:
    """Lines of text, each with the largest font size of its visible characters."""
    lines: list[tuple[str, float]] = []
    chars: list[str] = []
    size = 0.0
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
        if char in "\r\n":
            if char == "\n":
                lines.append(("".join(chars).strip(), size))
                chars, size = [], 0.0
            continue
        chars.append(char)
        if not char.isspace():
            size = max(size, pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
    lines.append(("".join(chars).strip(), size))
    return [(text, size) for text, size in lines if text]


def _split_title(lines: list[tuple[str, float]]) -> PageText:
    if not lines:
        return PageText("", "")
    sizes = sorted(size for _, size in lines)
    body = sizes[len(sizes) // 2]
    top = sizes[-1]
    start = next(i for i, (_, size) in enumerate(lines) if size == top)
    if len(lines) > 1 and top < body * _TITLE_RATIO:
        return PageText("", "\n".join(text for text, _ in lines))
    end = start
    while end + 1 < len(lines) and lines[end + 1][1] == top:
        end += 1
    title = " ".join(text for text, _ in lines[start : end + 1])
    if len(title) > _MAX_TITLE:
        return PageText("", "\n".join(text for text, _ in lines))
    rest = lines[:start] + lines[end + 1 :]
    return PageText(title, "\n".join(text for text, _ in rest))
