"""Starter questions from a deck's slide titles."""

from __future__ import annotations

from deckchat.chat.suggest import suggested_questions
from deckchat.core.deck import Slide


def slides(*titles: str) -> list[Slide]:
    return [
        Slide(n, title, "", "", False, 1600, 900, image_hash="", thumb_hash="")
        for n, title in enumerate(titles, start=1)
    ]


def test_informative_titles_become_questions_and_the_cover_and_generic_ones_do_not() -> None:
    deck = slides(
        "Q3 review", "Agenda", "Revenue  by region:", "Thank you all", "Hiring plan.", "Q&A", "Risks"
    )
    assert suggested_questions(deck) == [
        "What does the deck say about “Revenue by region”?",
        "What does the deck say about “Hiring plan”?",
    ]


def test_repeated_titles_count_once_and_at_most_four_spread_across_the_deck() -> None:
    topics = [f"Topic number {i}" for i in range(1, 9)]
    deck = slides("Cover page", *topics, "Topic number 1", "Zusammenfassung", "目次")
    assert suggested_questions(deck) == [
        f"What does the deck say about “Topic number {i}”?" for i in (1, 3, 5, 7)
    ]


def test_a_one_slide_deck_is_asked_about_its_own_title() -> None:
    assert suggested_questions(slides("Our pricing model")) == [
        "What does the deck say about “Our pricing model”?"
    ]
    assert suggested_questions([]) == []
