"""Questions about the deck as a whole, and the slides of its profile that answer them."""

from __future__ import annotations

import pytest

from deckchat.chat.profile import ABOUT, AUTHOR, CONCLUSION, deck_question, profile_slides
from deckchat.core.chat import Chunk, ChunkKind


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Who gave this talk, and at which event?", {AUTHOR}),
        ("What is this lecture about?", {ABOUT}),
        ("What topics does this lecture cover?", {ABOUT}),
        ("Give me a quick rundown of the talk", {ABOUT}),
        ("What is the speaker's background?", {AUTHOR}),
        ("What are the takeaways of this presentation?", {CONCLUSION}),
        ("Qui a donné ce cours, et de quoi parle-t-il ?", {AUTHOR, ABOUT}),
        ("Wer hat diesen Vortrag gehalten?", {AUTHOR}),
        ("Кто читал эту лекцию и о чём она?", {AUTHOR, ABOUT}),
        ("这份简报是谁做的？", {AUTHOR}),
        # About the content, not the deck: search answers these.
        ("What does this talk say about garbage collection?", set()),
        ("Who does this talk say invented Python?", set()),
        ("Who wrote the white paper?", set()),
        ("Summarize the trade-offs of caching that the lecture discusses", set()),
        ("Please summarize this talk.", {ABOUT}),
        ("How many devices does Gartner expect by 2020?", set()),
    ],
)
def test_deck_questions(question: str, parts: set[str]) -> None:
    assert deck_question(question) == parts


def slides(*titles: str) -> list[Chunk]:
    chunks = [Chunk(i, ChunkKind.SLIDE, i + 1, f"{t}\nbody of {t}") for i, t in enumerate(titles)]
    return [*chunks, Chunk(len(chunks), ChunkKind.SPEAKER_NOTES, 1, "notes")]


def test_the_profile_is_the_title_slide_and_the_slides_each_part_asks_for() -> None:
    deck = slides("Serverless in practice", "Agenda", "About me", "Cold starts", "Summary", "Questions?")
    numbers = lambda parts: [c.slide for c in profile_slides(deck, frozenset(parts))]  # noqa: E731
    assert numbers({AUTHOR}) == [1, 3]
    assert numbers({ABOUT}) == [1, 2]
    assert numbers({CONCLUSION}) == [1, 5]
    assert numbers({AUTHOR, ABOUT, CONCLUSION}) == [1, 2, 3, 5]
    assert numbers(set()) == []  # not a question about the deck


def test_without_a_conclusion_slide_the_last_content_slide_concludes() -> None:
    deck = slides(
        "Serverless in practice", "Cold starts", "Costs fall with scale", "Thank you!", "References"
    )
    assert [c.slide for c in profile_slides(deck, frozenset({CONCLUSION}))] == [1, 3]
