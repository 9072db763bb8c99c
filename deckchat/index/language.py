"""Which languages a text is written in, from its function words and its script.

Answerability trusts word overlap only when the question and the deck share a language; an English
question on a German deck has to be judged by meaning. Function words tell a language apart better
than content words do: a small English deck may lack "read", never "the".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from deckchat.index.tokens import STOPWORDS_BY_LANGUAGE, token_matches

CJK = "cjk"
# A language's function words make up a fifth to two fifths of prose, and of terse slides too. Counted
# against all tokens (CJK characters included), English terms sprinkled over a Chinese deck fall far
# short of a tenth; the deck's own language does not.
_STOPWORD_SHARE = 0.1
_CJK_SHARE = 0.2
# A deck is also written in a language a fifth of its slides are in: screenshots of an English UI read by
# OCR can outweigh a French deck's own words when all the text is pooled. Set by judgment, not fitted.
_SLIDE_SHARE = 0.2


def languages(text: str) -> frozenset[str]:
    """The languages ``text`` is written in: those of our stopword lists, plus CJK for that script."""
    counts: Counter[str] = Counter()
    tokens = 0
    cjk_chars = 0
    for kind, token in token_matches(text):
        if kind == "cjk":
            cjk_chars += len(token)
            tokens += len(token)
        elif kind == "word":
            tokens += 1
            counts.update(name for name, words in STOPWORDS_BY_LANGUAGE.items() if token in words)
    if not tokens:
        return frozenset()
    found = {name for name, n in counts.items() if n >= _STOPWORD_SHARE * tokens}
    if cjk_chars >= _CJK_SHARE * tokens:
        found.add(CJK)
    return frozenset(found)


def deck_languages(texts: Sequence[str]) -> frozenset[str]:
    """The languages of a deck's chunks: those of all its text together, and those of a fifth of its
    chunks or more (of the chunks in any language we tell)."""
    per_chunk = [languages(text) for text in texts]
    told = [found for found in per_chunk if found]
    counts = Counter(name for found in told for name in found)
    common = {name for name, n in counts.items() if n >= _SLIDE_SHARE * len(told)}
    return languages("\n".join(texts)) | common


def question_language(question: str) -> str | None:
    """The question's one language: CJK when it uses that script, else its commonest function words."""
    if any(kind == "cjk" for kind, _ in token_matches(question)):
        return CJK
    counts = Counter(
        name
        for kind, token in token_matches(question)
        if kind == "word"
        for name, words in STOPWORDS_BY_LANGUAGE.items()
        if token in words
    )
    return counts.most_common(1)[0][0] if counts else None
