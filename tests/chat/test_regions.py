"""An answer's citations get the regions of their quotes on their slides, and notes quotes none."""

from __future__ import annotations

from deckchat.chat.regions import with_regions
from deckchat.core.boxes import Box, MeasuredLine, located_text, place_lines
from deckchat.core.chat import Answer, Citation
from deckchat.core.deck import SlideContent


def slide(number: int, title: str, text: str, *, measured: bool = True) -> SlideContent:
    drawn = [
        MeasuredLine(line, Box(0.1, 0.1 + 0.1 * i, 0.5, 0.05))
        for i, line in enumerate([title, *text.splitlines()])
    ]
    lines = place_lines(located_text(title, text), drawn) if measured else None
    return SlideContent(number, title, text, "Say it slowly.", False, 1600, 900, lines)


def test_slide_quotes_get_regions_and_notes_quotes_none() -> None:
    slides = {3: slide(3, "Results", "Revenue grew 12%\nCosts fell")}
    cited = (
        Citation(3, "Costs fell"),
        # Notes whose words are also on the slide still point nowhere: the quote came from notes.
        Citation(3, "Revenue grew 12%", notes=True),
    )
    answer = with_regions(Answer("Costs fell [3].", cited, refused=False, llm="extractive"), slides)
    assert [c.regions for c in answer.citations] == [(Box(0.1, 0.3, 0.5, 0.05),), ()]


def test_a_slide_ingested_before_lines_were_stored_has_no_regions_and_no_error() -> None:
    slides = {2: slide(2, "Old", "Stored long ago", measured=False), 4: slide(4, "Empty", "")}
    cited = (Citation(2, "Stored long ago"), Citation(4, "Empty"), Citation(9, "Nowhere"))
    answer = with_regions(Answer("…", cited, refused=False, llm="extractive"), slides)
    assert [c.regions for c in answer.citations] == [(), (Box(0.1, 0.1, 0.5, 0.05),), ()]
