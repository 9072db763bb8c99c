"""Evidence as the chat sees it: sentences of the retrieved chunks, and the notes mode's guard."""

from __future__ import annotations

import pytest

from deckchat.chat.evidence import Sentence, check_shown, evidence_text, sentences
from deckchat.core.chat import Chunk, ChunkKind, Hit, NotesMode

HITS = [
    Hit(Chunk(3, ChunkKind.SLIDE, 7, "Data preparation\nCleaning takes effort. It is 80%!  Really?"), 0.9),
    Hit(Chunk(4, ChunkKind.SPEAKER_NOTES, 7, "数据准备很重要。清洗最耗时。"), 0.5),
    Hit(Chunk(5, ChunkKind.SLIDE, 9, "- a\n\nOK?"), 0.4),
]


def test_chunks_split_into_sentences_and_lines_with_their_source() -> None:
    found = sentences(HITS)
    assert found[:4] == [
        Sentence(7, "Data preparation", False, 0.9, 3, 0),
        Sentence(7, "Cleaning takes effort.", False, 0.9, 3, 1),
        Sentence(7, "It is 80%!", False, 0.9, 3, 2),
        Sentence(7, "Really?", False, 0.9, 3, 3),
    ]
    # CJK sentences end without a space; notes are marked as such.
    assert [(s.text, s.from_notes) for s in found[4:6]] == [
        ("数据准备很重要。", True),
        ("清洗最耗时。", True),
    ]
    assert len(found) == 6  # "- a" and "OK?" are too short to quote


def test_a_runaway_sentence_is_cut() -> None:
    [sentence] = sentences([Hit(Chunk(0, ChunkKind.SLIDE, 1, "word " * 200), 1.0)])
    assert len(sentence.text) == 400


def test_notes_a_viewer_may_not_see_are_refused_as_evidence() -> None:
    check_shown(HITS, NotesMode.PUBLIC)
    for mode in (NotesMode.PRIVATE, NotesMode.HIDDEN):
        with pytest.raises(ValueError, match=r"chunks \[4\] may not be shown"):
            check_shown(HITS, mode)
    check_shown([HITS[0], HITS[2]], NotesMode.HIDDEN)


def test_evidence_text_is_what_the_cited_slides_retrieved() -> None:
    assert evidence_text(HITS, {9}) == "- a\n\nOK?"
    assert evidence_text(HITS, {7}) == HITS[0].chunk.text + "\n" + HITS[1].chunk.text
    assert evidence_text(HITS, {1}) == ""
