"""The extractive answer: the evidence's most relevant sentences, each cited. It never invents."""

from __future__ import annotations

import math

from deckchat.chat.evidence import Sentence, quotable, sentences
from deckchat.core.chat import Citation, Hit, NotesMode
from deckchat.index.tokens import tokenize

_MAX_SENTENCES = 3
# A sentence joins the answer when it scores at least this share of the best one.
_KEEP_RATIO = 0.6


def rank_sentences(question: str, hits: list[Hit]) -> list[tuple[float, Sentence]]:
    """Sentences by how much of the question they cover, weighted by their chunk's retrieval score."""
    wanted = set(tokenize(question))
    ranked = []
    for sentence in sentences(hits):
        tokens = tokenize(sentence.text)
        overlap = len(wanted.intersection(tokens))
        # A little for the chunk's own score, so cross-lingual hits (no shared words) still rank.
        score = overlap / math.sqrt(len(tokens) + 4) + 0.5 * sentence.chunk_score
        ranked.append((score, sentence))
    ranked.sort(key=lambda pair: -pair[0])
    return ranked


def extractive_answer(question: str, hits: list[Hit], mode: NotesMode) -> tuple[str, list[Citation]]:
    ranked = rank_sentences(question, hits)
    if not ranked:
        return "", []
    best = ranked[0][0]
    chosen: list[Sentence] = []
    for score, sentence in ranked:
        if len(chosen) == _MAX_SENTENCES or score < best * _KEEP_RATIO:
            break
        if all(sentence.text != other.text for other in chosen):
            chosen.append(sentence)
    chosen.sort(key=lambda s: s.slide)
    return _cited_text(chosen), citations_for(chosen, ranked, mode)


def _cited_text(chosen: list[Sentence]) -> str:
    """The sentences in slide order, each run from one slide followed by its marker once."""
    parts: list[str] = []
    for index, sentence in enumerate(chosen):
        parts.append(_as_sentence(sentence.text))
        last_of_run = index + 1 == len(chosen) or chosen[index + 1].slide != sentence.slide
        if last_of_run and sentence.slide:
            parts[-1] += f" [{sentence.slide}]"
    return " ".join(parts)


def citations_for(
    chosen: list[Sentence], ranked: list[tuple[float, Sentence]], mode: NotesMode
) -> list[Citation]:
    """One citation per slide used, quoting its best sentence that may be shown."""
    citations: list[Citation] = []
    for slide in dict.fromkeys(s.slide for s in chosen if s.slide):
        quote = next((s.text for _, s in ranked if s.slide == slide and quotable(s, mode)), "")
        citations.append(Citation(slide=slide, quote=quote))
    return citations


def _as_sentence(text: str) -> str:
    return text if text[-1:] in ".!?。！？:" else f"{text}."
