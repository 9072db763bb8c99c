"""The extractive answer quotes whole short slides, the best lines of long ones, and cites each."""

from __future__ import annotations

from deckchat.chat.extractive import extractive_answer
from deckchat.core.chat import Chunk, ChunkKind, Hit, NotesMode

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
    text, citations = extractive_answer(
        "What are the six traits of ideas that stick?", [Hit(TRAITS, 1.0)], NotesMode.PRIVATE
    )
    assert (
        text
        == "Six traits of ideas that stick. Simple. Unexpected. Credible. Concrete. Emotional. Stories. [21]"
    )
    assert [c.slide for c in citations] == [21] and citations[0].quote


def test_a_long_slide_gives_its_best_lines_within_the_budget() -> None:
    text, citations = extractive_answer(
        "Where does the sticky idea framework come from?", [Hit(LONG, 1.0)], NotesMode.PRIVATE
    )
    assert "Chip Heath" in text and len(text) < 400 and text.endswith("[5]")
    assert citations[0].quote == "The sticky idea framework comes from Chip Heath."


def test_slides_far_below_the_best_are_left_out() -> None:
    hits = [Hit(TRAITS, 1.0), Hit(OTHER, 0.1)]
    text, citations = extractive_answer("Which traits make ideas stick?", hits, NotesMode.PRIVATE)
    assert [c.slide for c in citations] == [21] and "Thank you" not in text


def test_private_notes_inform_the_text_but_are_never_the_quote() -> None:
    notes = Chunk(3, ChunkKind.SPEAKER_NOTES, 21, "Chip Heath wrote about six traits of sticky ideas.")
    _, citations = extractive_answer(
        "Who wrote about the six traits?", [Hit(notes, 1.0), Hit(TRAITS, 0.9)], NotesMode.PRIVATE
    )
    assert all("Chip Heath" not in c.quote for c in citations)
