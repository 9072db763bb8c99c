"""The extractive answer quotes whole short slides, the best lines of long ones, and cites each."""

from __future__ import annotations

from deckchat.chat.extractive import extract
from deckchat.core.chat import Chunk, ChunkKind, Hit

TRAITS = Chunk(
    0,
    ChunkKind.SLIDE,
    21,
    "Six traits of ideas that stick\nSimple\nUnexpected\nCredible\nConcrete\nEmotional\nStories",
)
FILLER = " ".join(f"Unrelated sentence number {i} about something else entirely." for i in range(30))
LONG = Chunk(1, ChunkKind.SLIDE, 5, f"{FILLER}\nThe sticky idea framework comes from Chip Heath.\n{FILLER}")
OTHER = Chunk(2, ChunkKind.SLIDE, 9, "Closing remarks\nThank you")


def test_a_short_list_slide_is_quoted_whole_in_reading_order() -> None:
    found = extract("What are the six traits of ideas that stick?", [Hit(TRAITS, 1.0)])
    text, citations = found.text, found.citations
    assert (
        text
        == "Six traits of ideas that stick. Simple. Unexpected. Credible. Concrete. Emotional. Stories. [21]"
    )
    assert [c.slide for c in citations] == [21] and citations[0].quote


def test_a_long_slide_gives_its_best_lines_within_the_budget() -> None:
    found = extract("Where does the sticky idea framework come from?", [Hit(LONG, 1.0)])
    text, citations = found.text, found.citations
    assert "Chip Heath" in text and len(text) < 400 and text.endswith("[5]")
    assert citations[0].quote == "The sticky idea framework comes from Chip Heath."


def test_slides_far_below_the_best_are_left_out() -> None:
    hits = [Hit(TRAITS, 1.0), Hit(OTHER, 0.1)]
    found = extract("Which traits make ideas stick?", hits)
    text, citations = found.text, found.citations
    assert [c.slide for c in citations] == [21] and "Thank you" not in text
