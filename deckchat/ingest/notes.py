"""Split a presenter's notes document (Markdown, plain text, DOCX or PDF) into sections by heading.

Each format yields a stream of headings and body text; one shared builder turns heading levels into
heading paths, tidies the text and drops what is empty. Long sections are not cut here: chunking is
the indexer's job, and it needs the author's boundaries, not ours.

pdfium is not thread-safe: every pdfium object made here is opened, used and closed inside one call.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from docx.opc.exceptions import PackageNotFoundError
from docx.styles.style import CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from deckchat.core.deck import NotesFormat, NotesSection
from deckchat.core.errors import InvalidInput
from deckchat.core.text import clean_text
from deckchat.ingest.pdf import bookmark_title

HeadingPath = tuple[str, ...]


class _Heading(NamedTuple):
    level: int  # smaller is outer; a heading closes every open heading at its level or deeper
    title: str


# A "Slide 3" marker nests under any structural heading, so it gets a level below Markdown's six.
_SLIDE_LEVEL = 7
_SLIDE_LINE = re.compile(
    r"((?:slide|folie|diapositiva|diapositive)\s+\d+)\b\s*(?:[:.)\-\u2013\u2014]\s*(.*))?", re.I
)
# "Slide 3: <a whole paragraph>" is a marker followed by notes, not a 300-character title.
_MAX_TITLE = 100
_HASH_LINE = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_UNDERLINE = re.compile(r"(={3,}|-{3,})\s*")
_DOCX_HEADING = re.compile(r"heading\s*([1-9])", re.I)
# Markdown front matter would otherwise read as an hr plus a setext heading made of its last key.
_FRONT_MATTER = re.compile(r"---\n[A-Za-z_][\w-]*:.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_BLANK_RUN = re.compile(r"\n{3,}")


def parse_notes(path: Path, fmt: NotesFormat) -> list[NotesSection]:
    """Read a notes document and split it into sections, outermost heading first in each path."""
    parsers: dict[NotesFormat, Callable[[Path], Iterable[tuple[HeadingPath, str]]]] = {
        NotesFormat.MARKDOWN: _markdown_sections,
        NotesFormat.TEXT: _text_sections,
        NotesFormat.DOCX: _docx_sections,
        NotesFormat.PDF: _pdf_sections,
    }
    sections = _finish(parsers[fmt](path))
    if not sections:
        raise InvalidInput(
            f"{path.name} has no text in it; if it is a scanned PDF, upload a version with selectable text.",
            code="empty_notes",
        )
    return sections


# --- shared builder -------------------------------------------------------------------------------


def _by_heading(parts: Iterable[_Heading | str]) -> Iterator[tuple[HeadingPath, str]]:
    """Group body text under the headings before it; skipped levels (h1 then h3) simply nest."""
    open_headings: list[_Heading] = []
    body: list[str] = []
    for part in parts:
        if isinstance(part, str):
            body.append(part)
            continue
        title = " ".join(part.title.split())
        if not title:  # an empty heading paragraph is layout, not structure
            continue
        yield tuple(h.title for h in open_headings), "\n".join(body)
        body = []
        while open_headings and open_headings[-1].level >= part.level:
            open_headings.pop()
        open_headings.append(_Heading(part.level, title))
    yield tuple(h.title for h in open_headings), "\n".join(body)


def _finish(raw: Iterable[tuple[HeadingPath, str]]) -> list[NotesSection]:
    sections = []
    for path, text in raw:
        path = tuple(title for title in (" ".join(t.split()) for t in path) if title)
        text = _tidy(text)
        if text or path:
            sections.append(NotesSection(heading_path=path, text=text))
    return sections


def _tidy(text: str) -> str:
    # Stray control characters (PDF extraction debris) mean nothing in notes and upset tokenisers.
    text = "\n".join(line.rstrip() for line in clean_text(text).split("\n")).strip("\n")
    return _BLANK_RUN.sub("\n\n", text)


# --- Markdown -------------------------------------------------------------------------------------


def _markdown_sections(path: Path) -> Iterator[tuple[HeadingPath, str]]:
    source = _read_text(path)
    if front_matter := _FRONT_MATTER.match(source):
        source = source[front_matter.end() :]
    return _by_heading(_markdown_parts(source))


def _markdown_parts(source: str) -> Iterator[_Heading | str]:
    lines = source.split("\n")
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    start = 0
    for index, token in enumerate(tokens):
        # Only top-level headings structure the document; one inside a quote or list item belongs
        # to that block, and cutting there would split it.
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        yield "\n".join(lines[start : token.map[0]])
        yield _Heading(int(token.tag[1:]), _inline_text(tokens[index + 1].children or []))
        start = token.map[1]
    yield "\n".join(lines[start:])


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":  # its alt text is inline markup of its own
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


# --- plain text -----------------------------------------------------------------------------------


def _text_sections(path: Path) -> Iterator[tuple[HeadingPath, str]]:
    return _by_heading(_text_parts(_read_text(path).split("\n")))


def _text_parts(lines: list[str]) -> Iterator[_Heading | str]:
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        after = lines[index + 1].strip() if index + 1 < len(lines) else ""
        # A rule under the last line of a paragraph is a separator; a setext heading stands alone.
        alone = index == 0 or not lines[index - 1].strip()
        if line and alone and _UNDERLINE.fullmatch(after) and not _UNDERLINE.fullmatch(line):
            yield _Heading(1 if after[0] == "=" else 2, line)
            index += 2
            continue
        if hashes := _HASH_LINE.fullmatch(line):
            yield _Heading(len(hashes[1]), hashes[2])
        elif slide := _SLIDE_LINE.fullmatch(line):
            if len(line) <= _MAX_TITLE:
                yield _Heading(_SLIDE_LEVEL, line)
            else:
                yield _Heading(_SLIDE_LEVEL, slide[1])
                yield slide[2] or ""
        else:
            yield lines[index]
        index += 1


def _read_text(path: Path) -> str:
    """Decode UTF-8 (BOM or not) or UTF-16 with a BOM; cp1252 only for bytes that cannot be UTF-8."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif b"\x00" in data:  # UTF-16 without a BOM, or a binary file: we cannot tell which
        encodings = []
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            # Surrogates (a lone one, or a pair spelt as CESU-8 by Java tools) are let through for
            # clean_text to pair up or replace, rather than refusing the whole file.
            text = data.decode(encoding, "surrogatepass")
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise InvalidInput(
        f"{path.name} is not readable text; save it as UTF-8 text and upload it again.",
        code="notes_not_text",
    )


# --- DOCX -----------------------------------------------------------------------------------------


def _docx_sections(path: Path) -> Iterator[tuple[HeadingPath, str]]:
    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.LxmlError) as exc:
        raise InvalidInput(
            f"{path.name} is a damaged Word document that cannot be read ({exc}); "
            "open it in Word, save it again and re-upload it.",
            code="corrupt_notes",
        ) from None
    return _by_heading(_docx_parts(blocks))


def _docx_parts(blocks: list[Paragraph | Table]) -> Iterator[_Heading | str]:
    for block in blocks:
        if isinstance(block, Table):
            yield from _table_rows(block)
        elif (level := _heading_level(block)) is not None:
            yield _Heading(level, block.text)
        elif _is_list_item(block):
            depth = str(block._p.xpath("string(./w:pPr/w:numPr/w:ilvl/@w:val)"))
            yield "  " * (int(depth) if depth.isdigit() else 0) + "- " + block.text
        else:
            yield block.text


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell comes back once per grid column it spans; a vertical merge repeats per
            # row on purpose, so each row reads on its own.
            if cell._tc is not previous:
                cells.append(" ".join(cell.text.split()))
            previous = cell._tc
        if any(cells):
            yield " | ".join(cells)


def _heading_level(paragraph: Paragraph) -> int | None:
    """Title is level 0 and Heading N level N; localized heading styles reveal themselves by outline level."""
    name = (paragraph.style.name if paragraph.style is not None else None) or ""
    if name.lower() == "title":
        return 0
    if match := _DOCX_HEADING.fullmatch(name):
        return int(match[1])
    for element in (paragraph._p, *(style.element for style in _style_chain(paragraph))):
        if outline := element.xpath("string(./w:pPr/w:outlineLvl/@w:val)"):
            # Outline level 9 means body text.
            return int(outline) + 1 if outline.isdigit() and int(outline) < 9 else None
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    if any(style.name and style.name.lower().startswith("list") for style in _style_chain(paragraph)):
        return True
    for element in (paragraph._p, *(style.element for style in _style_chain(paragraph))):
        if number := str(element.xpath("string(./w:pPr/w:numPr/w:numId/@w:val)")):
            return number != "0"  # numId 0 switches inherited numbering off
    return False


def _style_chain(paragraph: Paragraph) -> Iterator[CharacterStyle]:
    style: CharacterStyle | None = paragraph.style
    seen: set[int] = set()
    while style is not None and id(style.element) not in seen:  # a based-on loop is possible in bad files
        seen.add(id(style.element))
        yield style
        style = style.base_style


# --- PDF ------------------------------------------------------------------------------------------


def _pdf_sections(path: Path) -> list[tuple[HeadingPath, str]]:
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise _pdf_error(path, exc) from None
    try:
        with pdf:
            pages = [_page_text(pdf, index) for index in range(len(pdf))]
            marks = _outline(pdf)
    except pdfium.PdfiumError as exc:  # a page that will not load
        raise _pdf_error(path, exc) from None
    if not marks:
        # "Page 7" is our label, not the author's heading: a blank page is not a section.
        return [((f"Page {n}",), text) for n, text in enumerate(pages, start=1) if text.strip()]
    # Page granularity: a page belongs to the last bookmark that starts on or before it, so no page is
    # indexed twice; bookmarks that share a page before it keep their heading with no text.
    marks.sort(key=lambda mark: mark[0])
    sections: list[tuple[HeadingPath, str]] = [((), "\n\n".join(pages[: marks[0][0]]))]
    for (start, heading_path), (end, _) in zip(marks, [*marks[1:], (len(pages), ())], strict=True):
        sections.append((heading_path, "\n\n".join(pages[start:end])))
    return sections


def _pdf_error(path: Path, exc: pdfium.PdfiumError) -> InvalidInput:
    if getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return InvalidInput(
            f"{path.name} is password-protected; remove the password and upload it again.",
            code="encrypted_file",
        )
    return InvalidInput(f"{path.name} is a damaged PDF that cannot be read ({exc}).", code="corrupt_notes")


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_bounded())
        finally:
            textpage.close()
    finally:
        page.close()


def _outline(pdf: pdfium.PdfDocument) -> list[tuple[int, HeadingPath]]:
    """Each bookmark that points at a page, with its heading path, in outline order."""
    marks: list[tuple[int, HeadingPath]] = []
    open_titles: list[str] = []
    for bookmark in pdf.get_toc():
        del open_titles[bookmark.level :]
        open_titles.append(" ".join(bookmark_title(bookmark).split()))
        page = _bookmark_page(pdf, bookmark)
        if page is not None and page < len(pdf):
            marks.append((page, tuple(open_titles)))
    return marks


def _bookmark_page(pdf: pdfium.PdfDocument, bookmark: pdfium.PdfBookmark) -> int | None:
    dest = bookmark.get_dest()
    if dest is None:  # many producers point bookmarks at a GoTo action instead of a destination
        action = pdfium_c.FPDFBookmark_GetAction(bookmark)
        raw_dest = pdfium_c.FPDFAction_GetDest(pdf, action) if action else None
        dest = pdfium.PdfDest(raw_dest, pdf=pdf) if raw_dest else None
    index = dest.get_index() if dest is not None else None
    return int(index) if index is not None else None
