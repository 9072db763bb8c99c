"""Chunking rules on hand-made slides and notes: pure logic, nothing installed but Python."""

from __future__ import annotations

import pytest

from deckchat.core.chat import Chunk, ChunkKind, NotesMode
from deckchat.core.chunking import (
    MAX_WORDS,
    chunk_deck,
    evidence_chunks,
    slide_reference,
    split_text,
    word_count,
)
from deckchat.core.deck import NotesDocument, NotesFormat, NotesSection, Slide


def slide(number: int, title: str = "", text: str = "", notes: str = "") -> Slide:
    return Slide(number, title, text, notes, False, 1280, 720, image_hash="img", thumb_hash="thumb")


def doc(*sections: tuple[tuple[str, ...], str]) -> NotesDocument:
    return NotesDocument(
        "notes.md", NotesFormat.MARKDOWN, "hash", tuple(NotesSection(path, text) for path, text in sections)
    )


def sentence(i: int) -> str:
    return f"Sentence number {i} explains one more detail of the migration plan."  # 11 words


def test_one_slide_chunk_per_slide_with_the_title_on_its_own_line() -> None:
    chunks = chunk_deck(
        [slide(1, "Agenda", "Intro\nPlan | Owner\nShip | Ana"), slide(2), slide(3, "", "Body")], []
    )
    assert [(c.kind, c.slide, c.text) for c in chunks] == [
        (ChunkKind.SLIDE, 1, "Agenda\nIntro\nPlan | Owner\nShip | Ana"),
        (ChunkKind.SLIDE, 2, ""),
        (ChunkKind.SLIDE, 3, "Body"),
    ]


def test_a_title_the_text_already_starts_with_is_not_repeated() -> None:
    repeated, prefix = chunk_deck([slide(1, "Results", "Results\n42% faster"), slide(2, "Go", "Gone")], [])
    assert repeated.text == "Results\n42% faster"
    assert prefix.text == "Go\nGone"


def test_speaker_notes_follow_the_slides_with_the_slide_title_as_heading() -> None:
    chunks = chunk_deck([slide(1, "Why", "x", notes="Because it is cheaper."), slide(2, "How", "y")], [])
    notes = [c for c in chunks if c.kind is ChunkKind.SPEAKER_NOTES]
    assert notes == [Chunk(2, ChunkKind.SPEAKER_NOTES, 1, "Because it is cheaper.", ("Why",))]
    assert [c.id for c in chunks] == [0, 1, 2]


def test_long_notes_split_into_balanced_pieces_on_sentence_bounds() -> None:
    text = " ".join(sentence(i) for i in range(20))  # 220 words in one paragraph
    chunks = chunk_deck([slide(4, "Plan", "x", notes=text)], [])
    pieces = [c for c in chunks if c.kind is ChunkKind.SPEAKER_NOTES]
    assert len(pieces) == 2
    assert all(c.slide == 4 for c in pieces)
    assert [word_count(c.text) for c in pieces] == [110, 110]  # not 200 + 20
    assert all(c.text.startswith("Sentence") and c.text.endswith(".") for c in pieces)
    assert " ".join(c.text for c in pieces) == text


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    paragraphs = [" ".join(sentence(p * 10 + i) for i in range(6)) for p in range(4)]  # 4 x 66 words
    pieces = split_text("\n\n".join(paragraphs))
    assert pieces == ["\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:])]


def test_a_sentence_longer_than_the_limit_is_cut_at_word_bounds() -> None:
    words = [f"w{i}" for i in range(450)]
    pieces = split_text(" ".join(words))
    assert all(word_count(p) <= MAX_WORDS for p in pieces)
    assert " ".join(pieces).split() == words


def test_cjk_notes_count_characters_and_keep_their_spacing() -> None:
    text = "这是一个很长的句子" * 30 + "。" + "第二句话也很长" * 20 + "。"  # 270 + 140 characters
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(word_count(p) <= MAX_WORDS for p in pieces)
    assert "".join(pieces) == text  # no spaces slipped in


def test_short_text_is_one_piece_and_blank_text_none() -> None:
    assert split_text("  Just this.  ") == ["Just this."]
    assert split_text(" \n ") == []


def test_notes_sections_carry_heading_and_slide_reference() -> None:
    notes = doc(
        (("Talk", "Slide 3: Pricing"), "Mention the discount."),
        (("Talk", "Folie 7"), "Die Zahlen erklären."),
        (("Diapositiva 12",), "Explicar el gráfico."),
        (("Talk", "Background"), "General context."),
        (("Talk", "Empty"), "   "),
    )
    chunks = chunk_deck([slide(1, "A", "a")], [notes])
    sections = [c for c in chunks if c.kind is ChunkKind.NOTES_SECTION]
    assert [(c.slide, c.text, c.heading_path) for c in sections] == [
        (3, "Talk > Slide 3: Pricing\nMention the discount.", ("Talk", "Slide 3: Pricing")),
        (7, "Talk > Folie 7\nDie Zahlen erklären.", ("Talk", "Folie 7")),
        (12, "Diapositiva 12\nExplicar el gráfico.", ("Diapositiva 12",)),
        (0, "Talk > Background\nGeneral context.", ("Talk", "Background")),
    ]
    assert [c.id for c in chunks] == list(range(len(chunks)))


def test_long_notes_sections_split_and_each_piece_keeps_the_heading() -> None:
    body = " ".join(sentence(i) for i in range(30))
    chunks = chunk_deck([], [doc((("Slide 2",), body))])
    assert len(chunks) == 2
    assert all(c.slide == 2 and c.text.startswith("Slide 2\nSentence") for c in chunks)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("Slide 4",), 4),
        (("slide #12 - Costs",), 12),
        (("Part 1", "FOLIE 9"), 9),
        (("Slide 2", "Slide 5 details"), 5),  # the innermost heading wins
        (("Slideshow tips",), 0),
        (("Summary",), 0),
    ],
)
def test_slide_reference(path: tuple[str, ...], expected: int) -> None:
    assert slide_reference(path) == expected


def test_only_public_notes_are_evidence() -> None:
    chunks = chunk_deck([slide(1, "A", "a", notes="n")], [doc((("Slide 1",), "section"))])
    assert len(chunks) == 3
    assert evidence_chunks(chunks, NotesMode.HIDDEN) == chunks[:1]
    assert evidence_chunks(chunks, NotesMode.PRIVATE) == chunks[:1]
    assert evidence_chunks(chunks, NotesMode.PUBLIC) == chunks
