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


RETRIES = Chunk(
    3,
    ChunkKind.SLIDE,
    12,
    "Event Grid\nNear real-time delivery\nMassive scale-out\nFailed deliveries are retried for 24 hours",
)


def test_the_answer_opens_with_the_line_that_answers_not_the_title() -> None:
    found = extract("How long are failed deliveries retried?", [Hit(RETRIES, 1.0)])
    assert found.text.startswith("Failed deliveries are retried for 24 hours.")
    assert "Event Grid." not in found.text  # a bare title answers nothing
    assert found.text.endswith("[12]")


STEPS = [
    Chunk(10 + n, ChunkKind.SLIDE, slide, text)
    for n, (slide, text) in enumerate(
        [
            (4, "Capture\nThe camera records the signer at 30 frames per second"),
            (2, "Pipeline overview\nFrames become keypoints, keypoints become glosses"),
            (7, "Translation\nA language model turns glosses into a sentence"),
            (9, "Thanks\nQuestions?"),
        ]
    )
]


def test_a_summary_gives_one_cited_line_per_slide_in_deck_order() -> None:
    hits = [Hit(STEPS[0], 1.0), Hit(STEPS[1], 0.9), Hit(STEPS[2], 0.8), Hit(STEPS[3], 0.1)]
    found = extract("Walk me through how the system goes from the camera to a sentence.", hits)
    lines = found.text.splitlines()
    assert [line[-3:] for line in lines] == ["[2]", "[4]", "[7]"]
    assert all(line.startswith("- ") for line in lines)
    assert lines[1].startswith("- Capture: The camera records the signer")
    assert [c.slide for c in found.citations] == [2, 4, 7]


def test_a_summary_of_one_slide_is_an_ordinary_answer() -> None:
    found = extract("Summarize the six traits of ideas that stick.", [Hit(TRAITS, 1.0), Hit(OTHER, 0.1)])
    assert "\n" not in found.text and found.text.endswith("[21]")
