"""Questions that lean on the conversation ("and in Q4?", "who said that?") or on the slide in view."""

from __future__ import annotations

import re

_THIS_SLIDE = re.compile(
    r"\b(this|current|that) (slide|page)\b|\bhere\b|diese[rm]? (folie|seite)|esta (diapositiva|página)"
    r"|cette (diapositive|page)|このスライド|このページ|这张幻灯片|这页|本页",
    re.IGNORECASE,
)
_LEANS_ON_CONTEXT = re.compile(
    r"^(and|but|also|what about|how about|why|und|aber|y|pero|et|mais)\b"
    r"|\b(it|its|that|this|these|those|they|them|he|she|him|her|there|then)\b",
    re.IGNORECASE,
)
_SHORT = 6


def about_this_slide(question: str) -> bool:
    return bool(_THIS_SLIDE.search(question))


def retrieval_query(question: str, previous_questions: list[str]) -> str:
    """What to search for: the question, plus the last question when this one can't stand alone."""
    if previous_questions and (len(question.split()) <= _SHORT or _LEANS_ON_CONTEXT.search(question)):
        return f"{previous_questions[-1]} {question}"
    return question
