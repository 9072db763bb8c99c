"""The ingestion pipeline on small real files: what it reads from slides' pictures."""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest
from PIL import Image, ImageDraw, ImageFont
from pptx.util import Inches, Pt

from deckchat.ingest.pipeline import new_lines
from deckchat.services.library import Library
from tests.ingest.helpers import ingest_ready

pytestmark = pytest.mark.slow


def _screenshot(path: Path, lines: list[str]) -> Path:
    """A picture of text, as a screenshot of a settings page would be."""
    image = Image.new("RGB", (1200, 160 + 110 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)  # bundled with Pillow: no system font needed
    for row, line in enumerate(lines):
        draw.text((60, 80 + 110 * row), line, fill="black", font=font)
    image.save(path)
    return path


def test_words_in_a_screenshot_under_a_title_are_read(library: Library, tmp_path: Path) -> None:
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

    deck_id = ingest_ready(library, tmp_path / "shots.pptx")
    shot, text_only = library.slides(deck_id)
    assert shot.ocr and not text_only.ocr
    assert shot.title == "The add-on settings we tested"
    assert "480" in shot.text and "error correction" in shot.text.casefold()
    assert shot.text.count("add-on settings") == 0  # the title is not read a second time


def test_only_lines_the_text_layer_lacks_are_added() -> None:
    known = "Quarterly results\nRevenue grew 12 %"
    assert new_lines("Quarterly Results\nRevenue grew 12%\nEMEA 4711", known) == "EMEA 4711"
    assert new_lines("", known) == ""
