"""The extractive answer: the evidence's most relevant passages, quoted and cited. It never invents.

Slides are terse: an answer is usually a whole bullet list ("the six traits", "the agenda"), not one
line of it. So the answer quotes, for each of the best one to three slides, its most relevant lines
in reading order, up to a budget, and a short slide whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deckchat.chat.evidence import Sentence, sentences
from deckchat.core.chat import Citation, Hit
from deckchat.index.tokens import tokenize

_MAX_SLIDES = 3  # passages: a slide, its speaker notes, a notes section
# Another passage joins the answer when its best line scores at least this share of the best one.
_KEEP_RATIO = 0.75
# A line joins its slide's quote when it scores at least this share of that slide's best line.
_LINE_RATIO = 0.5
_SLIDE_BUDGET = 360  # characters quoted from one slide
_ANSWER_BUDGET = 720


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


@dataclass(frozen=True, slots=True)
class Extract:
    """The extractive answer: its text, its citations, and the chunks it draws on, best first."""

    text: str
    citations: list[Citation]
    chunks: list[int]


def extract(question: str, hits: list[Hit]) -> Extract:
    ranked = rank_sentences(question, hits)
    if not ranked:
        return Extract("", [], [])
    chosen = _chosen_chunks(ranked)
    passages = _within_budget([_passage(chunk, ranked) for chunk in chosen])
    kept = {p[0].chunk for p in passages}
    citations = citations_for([s for p in passages for s in p], ranked)
    return Extract(_cited_text(passages), citations, [c for c in chosen if c in kept])


def _chosen_chunks(ranked: list[tuple[float, Sentence]]) -> list[int]:
    """The chunks of the best lines, strongest first, while they stay close to the best."""
    best = ranked[0][0]
    chosen: list[int] = []
    for score, sentence in ranked:
        if len(chosen) == _MAX_SLIDES or score < best * _KEEP_RATIO:
            break
        if sentence.chunk not in chosen:
            chosen.append(sentence.chunk)
    return chosen


def _passage(chunk: int, ranked: list[tuple[float, Sentence]]) -> list[Sentence]:
    """One chunk's lines worth quoting, in reading order: all of a short chunk, else its best lines."""
    lines = [(score, s) for score, s in ranked if s.chunk == chunk]
    if sum(len(s.text) + 2 for _, s in lines) <= _SLIDE_BUDGET:
        keep = [s for _, s in lines]
    else:
        top = lines[0][0]
        keep, used = [], 0
        for score, sentence in lines:  # best first
            if keep and (score < top * _LINE_RATIO or used + len(sentence.text) > _SLIDE_BUDGET):
                continue
            keep.append(sentence)
            used += len(sentence.text) + 2
    unique = {s.text: s for s in sorted(keep, key=lambda s: s.position)}
    return list(unique.values())


def _within_budget(passages: list[list[Sentence]]) -> list[list[Sentence]]:
    """The strongest passages first, as many as fit the answer's length, then in deck order."""
    kept: list[list[Sentence]] = []
    used = 0
    for passage in passages:
        size = sum(len(s.text) + 2 for s in passage)
        if passage and (not kept or used + size <= _ANSWER_BUDGET):
            kept.append(passage)
            used += size
    return sorted(kept, key=lambda p: (p[0].slide, p[0].from_notes))


def _cited_text(passages: list[list[Sentence]]) -> str:
    """The passages in deck order, each slide's run followed by its marker once."""
    parts = []
    for index, passage in enumerate(passages):
        slide = passage[0].slide
        last_of_slide = index + 1 == len(passages) or passages[index + 1][0].slide != slide
        marker = f" [{slide}]" if slide and last_of_slide else ""
        parts.append(" ".join(_as_sentence(s.text) for s in passage) + marker)
    return " ".join(parts)


def citations_for(chosen: list[Sentence], ranked: list[tuple[float, Sentence]]) -> list[Citation]:
    """One citation per slide used, quoting its best sentence."""
    citations: list[Citation] = []
    for slide in dict.fromkeys(s.slide for s in chosen if s.slide):
        quote = next((s.text for _, s in ranked if s.slide == slide), "")
        citations.append(Citation(slide=slide, quote=quote))
    return citations


def _as_sentence(text: str) -> str:
    return text if text[-1:] in ".!?。！？:" else f"{text}."
