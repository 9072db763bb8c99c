"""Outline and speaker slides, and the questions that ask for them."""

from __future__ import annotations

import pytest

from deckchat.index.roles import OUTLINE, SPEAKER, question_intent, slide_role


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Outline", OUTLINE),
        ("Today's agenda", OUTLINE),
        ("Inhalt", OUTLINE),
        ("目次", OUTLINE),
        ("Who am I", SPEAKER),
        ("About me:", SPEAKER),
        ("Überblick über die Lieferkette", None),
        ("Overview of the storage engine", None),  # a topic, not the talk's outline
        ("Planning ahead", None),
        ("Biology", None),
    ],
)
def test_slide_roles_come_from_whole_titles(title: str, role: str | None) -> None:
    assert slide_role(title) == role


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What does lecture 2 cover?", OUTLINE),
        ("What is on the workshop's agenda?", OUTLINE),
        ("What is this talk about?", OUTLINE),
        ("Who is the speaker?", SPEAKER),
        ("What roles does the speaker give for himself?", SPEAKER),
        ("What does the deck say about Excel?", None),
        ("How do you merge two DataFrames?", None),
        ("Which topics does the course include?", OUTLINE),
        ("Which topics in pandas need care with missing values?", None),
    ],
)
def test_question_intents(question: str, intent: str | None) -> None:
    assert question_intent(question) == intent
