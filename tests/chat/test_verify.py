"""Sentence-by-sentence verification of generated text: splitting a token stream, and each verdict."""

from __future__ import annotations

from deckchat.chat.verify import runaway, sentences_of, verify
from deckchat.core.chat import Chunk, ChunkKind, Hit

HITS = [
    Hit(Chunk(0, ChunkKind.SLIDE, 7, "Data preparation\nCleaning takes most of the effort."), 0.9),
    Hit(Chunk(2, ChunkKind.SLIDE, 13, "Missing values\npandas uses NaN and None."), 0.5),
]


def tokens(text: str) -> list[str]:
    """Text cut the way a model streams it: a few characters at a time, across word boundaries."""
    return [text[i : i + 3] for i in range(0, len(text), 3)]


def test_sentences_come_out_whole_with_their_markers_and_nothing_is_lost() -> None:
    text = "First fact. [7] Second fact [13]. Third?\n- a list item\nLast words without a stop"
    parts = list(sentences_of(tokens(text)))
    assert "".join(parts) == text
    assert parts == [
        "First fact. [7] ",
        "Second fact [13]. ",
        "Third?\n",
        "- a list item\n",
        "Last words without a stop",
    ]


def test_a_sentence_is_held_until_what_follows_shows_it_is_over() -> None:
    # "[" after the stop may be this sentence's marker: it must not be released before the marker ends.
    parts = list(sentences_of(["Fact one. ", "[", "7", "] Next"]))
    assert parts == ["Fact one. [7] ", "Next"]
    assert list(sentences_of(["数据很重要。", "第二句。"])) == ["数据很重要。", "第二句。"]


def test_verdicts() -> None:
    good = verify("Cleaning takes most of the effort [7]. ", "", "What takes effort?", HITS, {7})
    assert good.shown == "Cleaning takes most of the effort [7]. " and not good.stop
    wrong_slide = verify("pandas uses NaN [21]. ", "", "What is missing?", HITS, {13})
    assert wrong_slide.shown == "pandas uses NaN. "
    assert verify("It costs 4 million [7].", "", "What does it cost?", HITS, {7}).stop == "unsupported"
    assert verify("The deck doesn't say.", "", "Who?", HITS, {7}).stop == "declined"
    repeated = "Cleaning takes most of the effort [7]. "
    assert verify(repeated, repeated, "What takes effort?", HITS, {7}).stop == "runaway"


def test_runaway() -> None:
    assert runaway("The answer is:\n<evidence>") and runaway("The answer is the cleaning step.\n" * 2)
    assert not runaway("Cleaning takes most of the effort [7].\nAbout 80 percent.")
