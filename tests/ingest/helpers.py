"""What several ingestion tests build: a simple deck. (A ready deck from a file: the `ready_deck`
fixture in tests/conftest.py.)"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pptx


def title_and_body_pptx(path: Path, slides: Iterable[tuple[str, str]]) -> Path:
    """A PPTX made by python-pptx, one "Title and Content" slide per (title, body)."""
    deck = pptx.Presentation()
    for title, body in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    deck.save(str(path))
    return path
