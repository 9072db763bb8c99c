"""Questions that lean on the conversation ("and in Q4?", "who said that?") or on the slide in view."""

from __future__ import annotations

import re

_THIS_SLIDE = re.compile(
    r"\b(this|current|that) (slide|page)\b|\bhere\b|diese[rm]? (folie|seite)|esta (diapositiva|página)"
    r"|cette (diapositive|page)|このスライド|このページ|这张幻灯片|这页|本页",
    re.IGNORECASE,
)
# Words that open a follow-up or point back at the previous turn, in the languages we index: a question
# holding one is searched together with the previous question.
_LEANS_ON_CONTEXT = re.compile(
    r"^(and|but|also|what about|how about|why|und|aber|y|pero|et|mais|e|mas|и|а|но|그럼|그리고)\b"
    r"|\b(it|its|that|this|these|those|they|them|he|she|him|her|there|then"
    r"|er|dies|dort|dann|eso|ese|esa|él|ella|ellos|allí|elle|ils|ça|cela|celui|celle"
    r"|isso|esse|essa|ele|ela|eles|dele|dela|lá|это|он|она|они|его|её|их|там|тогда)\b"
    r"|(그것|그거|그게|거기|그들|那个|那個|那么|那麼|它|他们|他們|其中|それ|その|あれ)",
    re.IGNORECASE,
)
_SHORT = 6
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")  # "IT", "THAT": names, not the pronouns they spell


def about_this_slide(question: str) -> bool:
    return bool(_THIS_SLIDE.search(question))


def retrieval_query(question: str, previous_questions: list[str]) -> str:
    """What to search for: the question, plus the last question when this one can't stand alone."""
    leans = _LEANS_ON_CONTEXT.search(_ACRONYM.sub(" ", question))
    if previous_questions and (len(question.split()) <= _SHORT or leans):
        return f"{previous_questions[-1]} {question}"
    return question
