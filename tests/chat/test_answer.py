"""The answer flow's logic, with a scripted generator standing in for a model."""

from __future__ import annotations

import pytest

from deckchat.chat.answer import answer
from deckchat.chat.followup import about_this_slide, retrieval_query
from deckchat.chat.prompt import DECLINE
from deckchat.core.chat import Answer, Chunk, ChunkKind, Hit, NotesMode
from tests.llm.scripted import Scripted

HITS = [
    Hit(Chunk(0, ChunkKind.SLIDE, 7, "Data preparation\nCleaning takes most of the effort."), 0.9),
    Hit(
        Chunk(1, ChunkKind.SPEAKER_NOTES, 7, "About 80 percent of a project goes into getting data ready."),
        0.8,
    ),
    Hit(Chunk(2, ChunkKind.SLIDE, 13, "Missing values\npandas uses NaN and None."), 0.5),
]
SLIDES = [hit for hit in HITS if hit.chunk.kind is ChunkKind.SLIDE]


def _final(items: list[str | Answer]) -> Answer:
    assert isinstance(items[-1], Answer)
    return items[-1]


def test_a_grounded_generated_answer_is_kept_with_its_citations() -> None:
    model = Scripted("About 80 percent of the work is data preparation [7].")
    items = list(
        answer(
            "How much of the effort goes into data preparation and cleaning?",
            HITS,
            mode=NotesMode.PUBLIC,
            answerable=True,
            generator=model,
        )
    )
    final = _final(items)
    # The model's words, then the evidence quoted: the streamed text is the final text.
    assert "".join(str(i) for i in items[:-1]) == final.answer
    assert final.answer.startswith(model.reply + "\n\n> ") and "Cleaning takes most" in final.answer
    assert (final.refused, final.grounding_replaced) == (False, False)
    [citation] = final.citations
    assert citation.slide == 7 and citation.quote in HITS[0].chunk.text + HITS[1].chunk.text


def test_evidence_a_viewer_may_not_see_is_refused_before_anything_streams() -> None:
    model = Scripted("About 80 percent [7].")
    for mode in (NotesMode.PRIVATE, NotesMode.HIDDEN):
        items = answer("How much effort?", HITS, mode=mode, answerable=True, generator=model)
        with pytest.raises(ValueError, match="may not be shown"):
            next(items)
    assert model.prompts == []
    final = _final(
        list(answer("How much effort?", SLIDES, mode=NotesMode.PRIVATE, answerable=True, generator=None))
    )
    assert "80" not in final.answer and [c.slide for c in final.citations] == [7]


def ask(reply: str, question: str, hits: list[Hit] = HITS) -> tuple[str, Answer]:
    """What the viewer is sent, joined, and the final answer; the final text must be what was sent."""
    items = list(answer(question, hits, mode=NotesMode.PUBLIC, answerable=True, generator=Scripted(reply)))
    final = _final(items)
    streamed = "".join(str(i) for i in items[:-1])
    assert streamed == final.answer  # nothing shown is ever taken back
    return streamed, final


def test_an_invented_number_is_never_shown() -> None:
    streamed, final = ask("About 95 percent of the work is data preparation [7].", "How much?")
    assert final.grounding_replaced and not final.refused
    assert "95" not in streamed and "[7]" in streamed


def test_verified_sentences_stand_and_the_first_unsupported_one_ends_the_answer() -> None:
    streamed, final = ask(
        "Cleaning takes most of the effort [7]. About 80 percent goes into it [7]. It costs 4 million [7].",
        "How much of the effort goes into cleaning?",
    )
    assert streamed.startswith("Cleaning takes most of the effort [7]. About 80 percent goes into it [7].")
    assert "4 million" not in streamed and not final.grounding_replaced
    assert streamed.endswith("\n\n> Cleaning takes most of the effort. [7]")  # the bare title is not quoted


def test_a_citation_of_a_slide_that_was_not_retrieved_never_reaches_the_reader() -> None:
    # The fact stands in the quoted evidence, so the sentence is shown without the wrong marker.
    streamed, final = ask("pandas uses NaN [21].", "How are missing values stored?")
    assert "[21]" not in streamed and [c.slide for c in final.citations] == [13]
    assert streamed.startswith("pandas uses NaN.") and not final.grounding_replaced
    # A fact that no quoted evidence holds is not rescued that way.
    streamed, invented = ask("pandas uses Arrow nulls [21].", "What does pandas use?")
    assert invented.grounding_replaced and "Arrow" not in streamed


def test_uncited_answers_are_attributed_to_their_evidence() -> None:
    _, final = ask("pandas uses NaN and None for missing values.", "Missing?")
    assert not final.grounding_replaced and [c.slide for c in final.citations][:1] == [13]


def test_a_model_that_declines_gives_a_refusal() -> None:
    streamed, final = ask("The deck doesn't say.", "Who is the CEO?")
    assert final.refused and final.citations == () and streamed.startswith(DECLINE)


def test_refusals_cite_nothing_and_name_the_closest_slides() -> None:
    final = _final(
        list(answer("Who is the CEO?", SLIDES, mode=NotesMode.PRIVATE, answerable=False, generator=None))
    )
    assert final.refused and final.citations == ()
    assert final.answer == (
        f"{DECLINE} The closest it comes is slide 7 (Data preparation) and slide 13 (Missing values)."
    )


def test_a_refusal_names_the_word_the_deck_never_uses() -> None:
    final = _final(
        list(
            answer(
                "How do I secure GraphQL APIs?",
                SLIDES,
                mode=NotesMode.PRIVATE,
                answerable=False,
                generator=None,
                unmentioned="GraphQL",
            )
        )
    )
    assert final.answer.startswith("The deck doesn't mention GraphQL. The closest it comes is slide 7")
    assert final.refused and final.citations == ()


def test_follow_ups_borrow_the_previous_question() -> None:
    assert retrieval_query("and in Q4?", ["What was revenue in Q3?"]) == "What was revenue in Q3? and in Q4?"
    assert retrieval_query("How is missing data represented in pandas?", ["What is a Series?"]) == (
        "How is missing data represented in pandas?"
    )
    assert about_this_slide("What does this slide mean?") and about_this_slide("Was zeigt diese Folie?")
    assert not about_this_slide("What is a DataFrame?")


def test_answers_that_add_nothing_are_not_shown() -> None:
    streamed, echo = ask("The new item in the Top 10 is the Top 10.", "Which item is new in the Top 10?")
    assert echo.grounding_replaced and "new item" not in streamed


def test_generation_stops_when_the_model_starts_looping() -> None:
    model = Scripted("Cleaning takes most of the effort [7].\n" * 5)
    items = list(answer("What takes effort?", HITS, mode=NotesMode.PUBLIC, answerable=True, generator=model))
    streamed = "".join(str(i) for i in items[:-1])
    assert streamed.count("Cleaning takes most of the effort [7].") == 1
