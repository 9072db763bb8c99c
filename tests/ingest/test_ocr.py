"""OCR of slide images: real rapidocr models on a drawn image, read as lines top to bottom."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from deckchat.ingest.ocr import ocr_image


def test_reads_lines_top_to_bottom_and_words_left_to_right() -> None:
    image = Image.new("RGB", (1200, 500), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    draw.text((60, 80), "Revenue grew", fill="black", font=font)
    draw.text((700, 90), "sharply", fill="black", font=font)  # the same line, a little lower
    draw.text((60, 300), "Costs fell", fill="black", font=font)

    lines = ocr_image(image).splitlines()

    assert [line.lower().replace(" ", "") for line in lines] == ["revenuegrewsharply", "costsfell"]


def test_a_blank_image_has_no_text() -> None:
    assert ocr_image(Image.new("RGB", (800, 450), "white")) == ""


def test_a_lone_glyph_says_nothing() -> None:
    image = Image.new("RGB", (800, 450), "white")
    ImageDraw.Draw(image).text((380, 180), "7", fill="black", font=ImageFont.load_default(size=80))
    assert ocr_image(image) == ""
