"""Answerability and slide roles on a small made-up deck, with the real embedders."""

from __future__ import annotations

import pytest

from deckchat.core.chunking import chunk_deck
from deckchat.core.deck import Slide
from deckchat.index.deck_index import DeckIndex
from deckchat.index.fusion import REFUSE_BELOW

SLIDES = [
    "Working with pandas\nData analysis in Python",
    "Who am I\nJane Doe, data engineer at Acme Corp",
    "Outline\nSeries and DataFrames\nMissing values\nCombining datasets",
    "Series\nA Series is a one-dimensional labelled array\nBy default the index is zero-based",
    "DataFrames\nA DataFrame is a two-dimensional table of rows and columns",
    "Missing values\npandas uses NaN for missing floating-point values and None for other objects",
    "Combining datasets\nconcat stacks DataFrames vertically or side by side",
    "Acme Corp\n© 2016 Acme Corp. All rights reserved.",
]


@pytest.fixture(scope="module")
def index() -> DeckIndex:
    slides = [
        Slide(i + 1, text.split("\n")[0], text, "", False, 0, 0, image_hash="", thumb_hash="")
        for i, text in enumerate(SLIDES)
    ]
    return DeckIndex.build(chunk_deck(slides, []))


@pytest.mark.parametrize(
    ("question", "slide"),
    [("What will the talk cover?", 3), ("Who is the presenter?", 2), ("How are missing values shown?", 6)],
)
def test_answerable_questions_find_their_slide(index: DeckIndex, question: str, slide: int) -> None:
    hits = index.search(question)
    assert hits[0].chunk.slide == slide
    assert index.answerability(question, hits) >= REFUSE_BELOW


@pytest.mark.parametrize(
    "question",
    [
        "What does the speaker say about FIDO2 security keys?",
        "How do you read an Excel workbook into pandas?",
        "What is the carbon footprint of a smartphone?",
        "What was Acme's revenue in 2016?",  # the company and year only in the copyright line
    ],
)
def test_questions_naming_what_the_deck_never_mentions_are_refused(index: DeckIndex, question: str) -> None:
    assert index.answerability(question) < REFUSE_BELOW


def test_a_question_of_only_frame_words_is_judged_by_meaning(index: DeckIndex) -> None:
    assert 0.0 <= index.answerability("What does the speaker say?") <= 1.0


def test_the_word_a_refusal_names_is_the_rarest_one_the_deck_lacks(index: DeckIndex) -> None:
    assert index.unmentioned("What does the speaker say about FIDO2 security keys?") == "FIDO2"
    assert index.unmentioned("How do you read an Excel workbook into pandas?") in {"Excel", "workbook"}
    assert index.unmentioned("How are missing values shown?") is None  # every word is in the deck
