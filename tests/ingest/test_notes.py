"""Splitting notes documents by heading. Every input is generated here; PDFs come from LibreOffice or a
hand-written file whose outline we control exactly."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from deckchat.core.deck import NotesFormat, NotesSection
from deckchat.core.errors import InvalidInput
from deckchat.ingest.notes import parse_notes
from tests.ingest.helpers import title_and_body_pptx


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def paths(sections: Sequence[NotesSection]) -> list[tuple[str, ...]]:
    return [section.heading_path for section in sections]


def by_path(sections: Sequence[NotesSection]) -> dict[tuple[str, ...], str]:
    return {section.heading_path: section.text for section in sections}


def error_code(path: Path, fmt: NotesFormat) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_notes(path, fmt)
    assert caught.value.message.endswith(".")
    return caught.value.code


# --- Markdown -------------------------------------------------------------------------------------

MARKDOWN = """\
---
title: Quarterly review
---
Welcome words before any heading.

# Intro *to* the `talk`

Opening line.

```python
# not a heading
print("hi")
```

## Why it matters

- point one
- point two

| metric | value |
|--------|-------|
| users  | 42    |

Setext Part
===========

Part body.

Deep Dive
---------

### Skipped to three

Deep body.

#### Four

> # quoted heading stays in its block

# Outro
Bye.
"""


def test_markdown_heading_paths(tmp_path: Path) -> None:
    sections = parse_notes(write(tmp_path, "notes.md", MARKDOWN), NotesFormat.MARKDOWN)

    assert paths(sections) == [
        (),
        ("Intro to the talk",),
        ("Intro to the talk", "Why it matters"),
        ("Setext Part",),
        ("Setext Part", "Deep Dive"),
        ("Setext Part", "Deep Dive", "Skipped to three"),
        ("Setext Part", "Deep Dive", "Skipped to three", "Four"),
        ("Outro",),
    ]
    text = by_path(sections)
    assert text[()] == "Welcome words before any heading."
    assert text[("Setext Part",)] == "Part body."
    assert text[("Outro",)] == "Bye."


def test_markdown_keeps_body_source_verbatim(tmp_path: Path) -> None:
    text = by_path(parse_notes(write(tmp_path, "notes.md", MARKDOWN), NotesFormat.MARKDOWN))

    intro = text[("Intro to the talk",)]
    assert intro.startswith("Opening line.")
    assert '```python\n# not a heading\nprint("hi")\n```' in intro
    assert "# Intro" not in intro
    why = text[("Intro to the talk", "Why it matters")]
    assert "- point one\n- point two" in why
    assert "| users  | 42    |" in why
    four = text[("Setext Part", "Deep Dive", "Skipped to three", "Four")]
    assert four == "> # quoted heading stays in its block"


def test_markdown_skipped_level_then_shallower(tmp_path: Path) -> None:
    source = "# A\n### C\nc\n## B\nb\n# D\nd\n"
    sections = parse_notes(write(tmp_path, "n.md", source), NotesFormat.MARKDOWN)

    assert paths(sections) == [("A",), ("A", "C"), ("A", "B"), ("D",)]
    assert sections[0].text == ""  # a heading with nothing under it but subheadings is kept


def test_markdown_crlf_and_blank_runs(tmp_path: Path) -> None:
    source = b"# Title  \r\n\r\nfirst   \r\n\r\n\r\n\r\n\r\nsecond\r\n"
    sections = parse_notes(write(tmp_path, "n.md", source), NotesFormat.MARKDOWN)

    assert sections == [NotesSection(("Title",), "first\n\nsecond")]


@pytest.mark.parametrize("content", ["", "\n\n   \n"])
def test_empty_markdown_is_rejected(tmp_path: Path, content: str) -> None:
    assert error_code(write(tmp_path, "empty.md", content), NotesFormat.MARKDOWN) == "empty_notes"


# --- plain text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "n.txt", "Slide 1: Café\r\nUn café, s'il vous plaît.\r\n".encode(encoding))

    assert parse_notes(path, NotesFormat.TEXT) == [
        NotesSection(("Slide 1: Café",), "Un café, s'il vous plaît.")
    ]


@pytest.mark.parametrize(
    "data",
    [b"hello\x00world\n", b"\x00\x01\x02\xff\xfe\xfd binary", "no BOM".encode("utf-16-le")],
    ids=["nul-in-utf8", "binary", "utf16-without-bom"],
)
def test_text_that_is_not_text(tmp_path: Path, data: bytes) -> None:
    assert error_code(write(tmp_path, "n.txt", data), NotesFormat.TEXT) == "notes_not_text"


def test_text_undefined_cp1252_byte(tmp_path: Path) -> None:
    # 0x81 is neither UTF-8 on its own nor defined in cp1252.
    assert error_code(write(tmp_path, "n.txt", b"caf\xe9 \x81"), NotesFormat.TEXT) == "notes_not_text"


def test_text_headings(tmp_path: Path) -> None:
    source = """\
Thanks for coming.

Opening
=======

Say hello.

# Part One
Slide 3
Revenue grew.
Folie 4 - Ausblick
Wir schauen nach vorn.

Details
-------
A paragraph whose last line
is followed by a rule.
----------
Still details.
"""
    sections = parse_notes(write(tmp_path, "n.txt", source), NotesFormat.TEXT)

    assert paths(sections) == [
        (),
        ("Opening",),
        ("Part One",),
        ("Part One", "Slide 3"),
        ("Part One", "Folie 4 - Ausblick"),
        ("Part One", "Details"),  # an underline with dashes is a level-2 heading, as in Markdown
    ]
    text = by_path(sections)
    assert text[()] == "Thanks for coming."
    assert text[("Part One", "Slide 3")] == "Revenue grew."
    details = "A paragraph whose last line\nis followed by a rule.\n----------\nStill details."
    assert text[("Part One", "Details")] == details


def test_text_slide_marker_with_a_paragraph_on_its_line(tmp_path: Path) -> None:
    long_note = "Here I explain the chart in detail, " * 5
    sections = parse_notes(write(tmp_path, "n.txt", f"Slide 2: {long_note}\n"), NotesFormat.TEXT)

    assert sections == [NotesSection(("Slide 2",), long_note.strip())]


def test_long_text_without_headings_is_one_section(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {n} talks about #hashtags and slides {n} times." for n in range(2000)]
    source = "\n\n".join(paragraphs)
    sections = parse_notes(write(tmp_path, "n.txt", source), NotesFormat.TEXT)

    assert len(sections) == 1
    assert sections[0].heading_path == ()
    assert sections[0].text == source


# --- DOCX -----------------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Launch talk", style="Title")
    document.add_paragraph("Preface under the title.")
    document.add_heading("Agenda", level=1)
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("Metric", "Q1", "Q2"), ("Users", "10", "20")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("After the table.")
    document.add_heading("", level=2)  # empty heading paragraphs are common spacing in Word files
    document.add_heading("Risks", level=2)
    document.add_paragraph("Supply chain", style="List Bullet")
    document.add_paragraph("Hiring", style="List Bullet")
    # Word's own way: a plain paragraph with direct numbering, one level in.
    nested = document.add_paragraph("Senior roles")._p.get_or_add_pPr().get_or_add_numPr()
    nested.get_or_add_ilvl().val = 1
    nested.get_or_add_numId().val = 1
    document.add_paragraph("Closing remark.")
    # A heading style with a localized name, known only by its outline level (1 = Heading 2).
    local = document.styles.add_style("Überschrift Zwei", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    local.element.get_or_add_pPr().append(outline)
    document.add_paragraph("Ausblick", style=local)
    document.add_paragraph("Nächstes Jahr.")
    document.add_heading("Q&A", level=1)
    document.add_paragraph("Questions.")
    document.save(str(path))
    return path


def test_docx_sections(tmp_path: Path) -> None:
    sections = parse_notes(make_docx(tmp_path / "notes.docx"), NotesFormat.DOCX)

    assert paths(sections) == [
        ("Launch talk",),
        ("Launch talk", "Agenda"),
        ("Launch talk", "Agenda", "Risks"),
        ("Launch talk", "Agenda", "Ausblick"),
        ("Launch talk", "Q&A"),
    ]
    text = by_path(sections)
    assert text[("Launch talk",)] == "Preface under the title."
    assert text[("Launch talk", "Agenda")] == (
        "Before the table.\nMetric | Q1 | Q2\nUsers | 10 | 20\nAfter the table."
    )
    assert text[("Launch talk", "Agenda", "Risks")] == (
        "- Supply chain\n- Hiring\n  - Senior roles\nClosing remark."
    )
    assert text[("Launch talk", "Agenda", "Ausblick")] == "Nächstes Jahr."


def test_docx_merged_cells_appear_once(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Wide"
    table.cell(0, 2).text = "Narrow"
    document.save(str(tmp_path / "t.docx"))

    assert parse_notes(tmp_path / "t.docx", NotesFormat.DOCX) == [NotesSection((), "Wide | Narrow")]


def test_corrupt_docx(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            garbage = info.filename == "word/document.xml"
            target.writestr(info.filename, b"<w:document <<garbage" if garbage else source.read(info))

    assert error_code(bad, NotesFormat.DOCX) == "corrupt_notes"


def test_empty_docx(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(tmp_path / "e.docx"))

    assert error_code(tmp_path / "e.docx", NotesFormat.DOCX) == "empty_notes"


# --- PDF ------------------------------------------------------------------------------------------

# (title, page index, children, points at a GoTo action rather than a destination)
Bookmark = tuple[str, int, list["Bookmark"], bool]


def make_pdf(page_lines: list[list[str]], outline: list[Bookmark]) -> bytes:
    """A minimal PDF with Helvetica text and the given outline tree."""
    objects: dict[int, bytes] = {}
    font, pages_id, outlines_id = 3, 2, 4
    page_ids = [5 + 2 * n for n in range(len(page_lines))]
    next_id = 5 + 2 * len(page_lines)
    for page_id, lines in zip(page_ids, page_lines, strict=True):
        shown = " 0 -16 Td ".join(f"({line}) Tj" for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode()
        objects[page_id] = (
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {page_id + 1} 0 R >>"
        ).encode()
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)

    def add_level(items: list[Bookmark], parent: int) -> tuple[int, int]:
        nonlocal next_id
        ids = list(range(next_id, next_id + len(items)))
        next_id += len(items)
        for index, (title, page, children, action) in enumerate(items):
            dest = f"[{page_ids[page]} 0 R /Fit]"
            fields = [f"/Title ({title}) /Parent {parent} 0 R"]
            fields.append(f"/A << /S /GoTo /D {dest} >>" if action else f"/Dest {dest}")
            if index > 0:
                fields.append(f"/Prev {ids[index - 1]} 0 R")
            if index + 1 < len(items):
                fields.append(f"/Next {ids[index + 1]} 0 R")
            if children:
                first, last = add_level(children, ids[index])
                fields.append(f"/First {first} 0 R /Last {last} 0 R /Count {len(children)}")
            objects[ids[index]] = f"<< {' '.join(fields)} >>".encode()
        return ids[0], ids[-1]

    catalog = f"<< /Type /Catalog /Pages {pages_id} 0 R"
    if outline:
        first, last = add_level(outline, outlines_id)
        objects[outlines_id] = f"<< /Type /Outlines /First {first} 0 R /Last {last} 0 R >>".encode()
        catalog += f" /Outlines {outlines_id} 0 R"
    objects[1] = (catalog + " >>").encode()
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects[pages_id] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


PAGES = [["Cover words"], ["Part one starts", "Background facts"], ["Detail facts"], ["Part two facts"]]


def test_pdf_nested_outline(tmp_path: Path) -> None:
    outline: list[Bookmark] = [
        ("Part One", 1, [("Background", 1, [], False), ("Details", 2, [], True)], False),
        ("Part Two", 3, [], True),
    ]
    sections = parse_notes(write(tmp_path, "n.pdf", make_pdf(PAGES, outline)), NotesFormat.PDF)

    assert sections == [
        NotesSection((), "Cover words"),
        # Page granularity: the page goes to the last bookmark that starts on it.
        NotesSection(("Part One",), ""),
        NotesSection(("Part One", "Background"), "Part one starts\nBackground facts"),
        NotesSection(("Part One", "Details"), "Detail facts"),
        NotesSection(("Part Two",), "Part two facts"),
    ]


def test_pdf_without_outline_is_split_by_page(tmp_path: Path) -> None:
    sections = parse_notes(write(tmp_path, "n.pdf", make_pdf(PAGES, [])), NotesFormat.PDF)

    assert paths(sections) == [("Page 1",), ("Page 2",), ("Page 3",), ("Page 4",)]
    assert sections[1].text == "Part one starts\nBackground facts"


def test_pdf_without_text(tmp_path: Path) -> None:
    assert error_code(write(tmp_path, "n.pdf", make_pdf([[], []], [])), NotesFormat.PDF) == "empty_notes"


def test_corrupt_pdf(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + random.Random(7).randbytes(4000)
    assert error_code(write(tmp_path, "n.pdf", data), NotesFormat.PDF) == "corrupt_notes"


SLIDES = [("Opening", "Hello everyone"), ("Numbers", "Revenue doubled"), ("Close", "Thank you")]


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PDFs exported by LibreOffice Impress: with bookmarks (its default), without, and encrypted."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for these tests; install it"
    work = tmp_path_factory.mktemp("office")
    source = title_and_body_pptx(work / "deck.pptx", SLIDES)
    options = {
        "outline": "",
        "plain": '{"ExportBookmarks":{"type":"boolean","value":"false"}}',
        "encrypted": '{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}',
    }
    pdfs = {}
    for name, option in options.items():
        out = work / name
        target = "pdf:impress_pdf_Export:" + option if option else "pdf"
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless"]
        command += ["--convert-to", target, "--outdir", str(out), str(source)]
        subprocess.run(command, check=True, timeout=120, capture_output=True)
        pdfs[name] = out / "deck.pdf"
        assert pdfs[name].is_file(), f"LibreOffice made no PDF for {name}"
    return pdfs


@pytest.mark.slow
def test_libreoffice_pdf_with_bookmarks(office_pdfs: dict[str, Path]) -> None:
    sections = parse_notes(office_pdfs["outline"], NotesFormat.PDF)

    assert paths(sections) == [(title,) for title, _ in SLIDES]
    assert "Revenue doubled" in by_path(sections)[("Numbers",)]
    assert all("\r" not in section.text for section in sections)


@pytest.mark.slow
def test_libreoffice_pdf_without_bookmarks(office_pdfs: dict[str, Path]) -> None:
    sections = parse_notes(office_pdfs["plain"], NotesFormat.PDF)

    assert paths(sections) == [("Page 1",), ("Page 2",), ("Page 3",)]
    assert "Thank you" in sections[2].text


@pytest.mark.slow
def test_encrypted_pdf(office_pdfs: dict[str, Path]) -> None:
    assert error_code(office_pdfs["encrypted"], NotesFormat.PDF) == "encrypted_file"
