"""Follow-ups lean on the previous question in any language we index; questions that stand alone don't."""

from __future__ import annotations

import pytest

from deckchat.chat.followup import retrieval_query

PREVIOUS = ["What did the project build?"]


@pytest.mark.parametrize(
    "question",
    [
        "and how much did that cost?",
        "E quem escreveu o white paper?",
        "Et combien cela a-t-il coûté ?",
        "Und wer hat dies bezahlt?",
        "А сколько это стоило?",
        "그럼 그것의 비용은 얼마인가요?",
        "那个项目花了多少钱？",
    ],
)
def test_follow_ups_are_searched_with_the_previous_question(question: str) -> None:
    assert retrieval_query(question, PREVIOUS) == f"{PREVIOUS[0]} {question}"


@pytest.mark.parametrize(
    "question",
    [
        "Which airport is the fifth row of the example DataFrame table?",
        "¿Qué función de Tidymodels se usa para entrenar el modelo creado con linear_reg?",
        "Wie hoch ist die EU-Recycling-Quote für Computer und andere IT-Geräte?",
    ],
)
def test_questions_that_stand_alone_are_searched_alone(question: str) -> None:
    assert retrieval_query(question, PREVIOUS) == question
