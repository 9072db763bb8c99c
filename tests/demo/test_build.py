"""The demo deck: a real PPTX with titles, bullets, speaker notes and a table, and its notes file."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation

from deckchat.demo.build import DEMO_TITLE, NOTES_MD, build_demo


def test_the_demo_deck_and_notes_are_written(tmp_path: Path) -> None:
    deck, notes = build_demo(tmp_path)
    assert (deck.name, notes.name) == ("deckchat-demo.pptx", "deckchat-demo-notes.md")
    assert notes.read_text(encoding="utf-8") == NOTES_MD
    prs = Presentation(str(deck))
    assert prs.core_properties.title == DEMO_TITLE
    slides = list(prs.slides)
    assert [s.shapes.title.text for s in slides] == [
        DEMO_TITLE,
        "What you upload",
        "What ingestion produces",
        "Where the time goes",
        "Safety first",
        "Questions?",
    ]
    [table] = [shape.table for shape in slides[3].shapes if shape.has_table]
    assert table.cell(2, 0).text == "WebP encoding" and len(table.rows) == 4
    assert [s.has_notes_slide and bool(s.notes_slide.notes_text_frame.text) for s in slides] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_demo_deck_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    # Its dates are fixed, so every build has one content hash.
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, second = build_demo(tmp_path / "a")[0], build_demo(tmp_path / "b")[0]
    assert first.read_bytes() == second.read_bytes()
