"""What the retrievers read: chunk text without deck-wide footers and legal lines."""

from __future__ import annotations

from deckchat.core.chat import Chunk, ChunkKind
from deckchat.index.prepare import MIN_SLIDES, boilerplate_lines, search_text, search_texts

FOOTER = "Jane Doe · Data pipelines · PyCon 2016"


def deck(slides: int, footer_on: int) -> list[Chunk]:
    return [
        Chunk(
            i, ChunkKind.SLIDE, i + 1, f"Topic {i}\nFact {i} here\n" + (FOOTER if i < footer_on else "Short")
        )
        for i in range(slides)
    ]


def test_a_line_on_half_the_slides_of_a_long_deck_is_boilerplate() -> None:
    assert boilerplate_lines(deck(10, footer_on=5)) == {FOOTER}
    assert boilerplate_lines(deck(10, footer_on=4)) == frozenset()
    # A short deck may repeat a line on purpose; a repeated line of two words is content.
    assert boilerplate_lines(deck(MIN_SLIDES - 1, footer_on=MIN_SLIDES - 1)) == frozenset()
    assert "Short" not in boilerplate_lines(deck(10, footer_on=0))


def test_notes_do_not_count_towards_boilerplate_and_keep_their_slide_title() -> None:
    notes = [Chunk(20 + i, ChunkKind.SPEAKER_NOTES, i + 1, FOOTER, ("Topic",)) for i in range(10)]
    chunks = deck(10, footer_on=4) + notes
    assert boilerplate_lines(chunks) == frozenset()
    assert search_texts(chunks)[-1] == f"Topic\n{FOOTER}"


def test_search_text_drops_boilerplate_and_legal_lines() -> None:
    chunk = Chunk(0, ChunkKind.SLIDE, 3, f"Revenue grew 8%\n{FOOTER}\n© 2016 Contoso. All rights reserved.")
    assert search_text(chunk, frozenset({FOOTER})) == "Revenue grew 8%"
    assert search_texts(deck(10, footer_on=10))[0] == "Topic 0\nFact 0 here"
