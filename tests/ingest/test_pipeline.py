"""One deck through every ingestion stage, called directly on tiny PDFs: the slides, their images and
text, which slides get OCR, the deck's title, the notes, and the progress a job reports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pptx
import pytest
from PIL import Image, ImageDraw, ImageFont
from pptx.util import Inches, Pt

from deckchat.core.deck import Deck, NotesFormat, Stage
from deckchat.core.limits import Limits
from deckchat.ingest.pipeline import IngestOptions, NotesSource, ingest, new_lines
from deckchat.ingest.validate import SourceFile
from deckchat.services.app_services import Services
from tests.ingest.hostile import pages_pdf

OPTIONS = IngestOptions(limits=Limits(), image_width=400, thumb_width=80)


class Blobs:
    """The blob store's one method, in memory."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def put(self, data: bytes, ext: str) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.stored[digest] = data
        return digest


def run(
    path: Path, tmp_path: Path, notes: list[NotesSource] | None = None, blobs: Blobs | None = None
) -> tuple[Deck, list[Stage]]:
    """The deck ``ingest`` makes of ``path``, and the stage of each progress report, in order."""
    stages: list[Stage] = []
    deck = ingest(
        SourceFile(path, path.name),
        notes or [],
        options=OPTIONS,
        blobs=blobs or Blobs(),
        progress=lambda stage, done, total: stages.append(stage),
        work_dir=tmp_path,
    )
    return deck, stages


def test_each_page_becomes_a_slide_with_its_images_and_text_layer(tmp_path: Path) -> None:
    blobs = Blobs()
    path = pages_pdf(tmp_path, 3, text="Tides follow the moon every day")

    deck, _ = run(path, tmp_path, blobs=blobs)

    assert [s.number for s in deck.slides] == [1, 2, 3]
    assert all("Tides follow the moon every day" in s.title + s.text for s in deck.slides)
    assert not any(s.ocr for s in deck.slides)
    first = deck.slides[0]
    assert (first.width, first.height) == (400, 225)  # 720 x 405 points at the configured width
    assert {first.image_hash, first.thumb_hash} <= set(blobs.stored)


def test_a_slide_with_too_little_text_is_read_by_ocr(tmp_path: Path) -> None:
    deck, stages = run(pages_pdf(tmp_path, 1, text="Hi"), tmp_path)
    (slide,) = deck.slides
    assert slide.ocr
    assert Stage.OCR in stages


def test_a_placeholder_metadata_title_gives_way_to_the_slides_and_then_the_file_name(tmp_path: Path) -> None:
    named, _ = run(pages_pdf(tmp_path, name="a.pdf", title="Ocean tides explained"), tmp_path)
    from_slide, _ = run(
        pages_pdf(tmp_path, name="b.pdf", title="PowerPoint Presentation", text="Hi"), tmp_path
    )
    untitled, _ = run(pages_pdf(tmp_path, name="c.pdf", title="Presentation1", text=""), tmp_path)
    assert named.title == "Ocean tides explained"
    assert from_slide.title == "Hi"
    assert untitled.title == "c"


def test_notes_are_parsed_and_progress_follows_the_stages_in_order(tmp_path: Path) -> None:
    notes_file = tmp_path / "talk.md"
    notes_file.write_text("# Opening\nThe moon pulls the sea.\n", encoding="utf-8")
    notes = [NotesSource(SourceFile(notes_file, "talk.md"), NotesFormat.MARKDOWN, "hash-of-notes")]

    deck, stages = run(pages_pdf(tmp_path, 2), tmp_path, notes)

    (document,) = deck.notes
    assert (document.filename, document.blob_hash) == ("talk.md", "hash-of-notes")
    assert any("The moon pulls the sea." in section.text for section in document.sections)
    order = list(dict.fromkeys(stages))
    assert order == sorted(order, key=list(Stage).index)
    assert order[0] is Stage.VALIDATE and order[-1] is Stage.NOTES


def _screenshot(path: Path, lines: list[str]) -> Path:
    """A picture of text, as a screenshot of a settings page would be."""
    image = Image.new("RGB", (1200, 160 + 110 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)  # bundled with Pillow: no system font needed
    for row, line in enumerate(lines):
        draw.text((60, 80 + 110 * row), line, fill="black", font=font)
    image.save(path)
    return path


@pytest.mark.slow  # LibreOffice converts the deck
def test_words_in_a_screenshot_under_a_title_are_read(
    ready_deck: Callable[..., str], services: Services, tmp_path: Path
) -> None:
    picture = _screenshot(tmp_path / "shot.png", ["Error correction: High", "Size: 480 pixels"])
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = "The add-on settings we tested"
    slide.shapes.add_picture(str(picture), Inches(1), Inches(2), width=Inches(8))
    plain = deck.slides.add_slide(deck.slide_layouts[1])
    plain.shapes.title.text = "Conclusion"
    plain.placeholders[1].text = "Use the offline generator"
    body = plain.placeholders[1].text_frame.paragraphs[0]
    body.runs[0].font.size = Pt(28)
    deck.save(str(tmp_path / "shots.pptx"))

    deck_id = ready_deck(tmp_path / "shots.pptx")
    shot, text_only = services.content.slides(deck_id)
    assert shot.ocr and not text_only.ocr
    assert shot.title == "The add-on settings we tested"
    assert "480" in shot.text and "error correction" in shot.text.casefold()
    assert shot.text.count("add-on settings") == 0  # the title is not read a second time


def test_only_lines_the_text_layer_lacks_are_added() -> None:
    known = "Quarterly results\nRevenue grew 12 %"
    assert new_lines("Quarterly Results\nRevenue grew 12%\nEMEA 4711", known) == "EMEA 4711"
    assert new_lines("", known) == ""
