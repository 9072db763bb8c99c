"""The extractive answer: the evidence's most relevant passages, quoted and cited. It never invents.

The answer opens with the line that best answers the question, then the rest of that slide's relevant
lines in reading order, then the next strongest slides'. Slides are terse: an answer is often a whole
bullet list ("the six traits", "the agenda"), not one line of it, so a short slide is quoted whole
and a long one by its best lines, up to a budget. A slide's title is quoted only when it is the line
that answers or the slide has nothing else: a bare title answers nothing.

A question asking for a summary ("summarise how the deck defines X", "walk me through Y") gets one
line per slide it covers instead, in deck order, each cited.
"""

from __future__ import annotations

import math
import re
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
# A summary: the slides retrieved at least this share of the best one's score, at most this many.
# Set by judgment, not fitted: half the best score keeps the slides on the question's topic.
_SUMMARY_RATIO = 0.5
_SUMMARY_SLIDES = 6
_SUMMARY = re.compile(
    r"\b(summari[sz]e|summary|sum up|overview|rundown|recap|walk me through|step by step|outline)\b"
    r"|\bresum[eoa]|\bzusammenfass|\bfasse?\b.*\bzusammen|\brésum|\bрезюм|\bкратко|\bобзор"
    r"|요약|정리해|总结|總結|概括|概述|要約|まとめ",
    re.IGNORECASE,
)


def asks_for_summary(question: str) -> bool:
    """A question asking for an overview of what several slides say, rather than one fact."""
    return bool(_SUMMARY.search(question))


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
    summary = _summary(ranked) if asks_for_summary(question) else None
    if summary is not None:
        return summary
    chosen = _chosen_chunks(ranked)
    passages = _within_budget([_passage(chunk, ranked) for chunk in chosen])
    passages[0] = _lead_first(passages[0], ranked[0][1])
    kept = {p[0].chunk for p in passages}
    citations = citations_for([s for p in passages for s in p], ranked)
    return Extract(_cited_text(passages), citations, [c for c in chosen if c in kept])


def _summary(ranked: list[tuple[float, Sentence]]) -> Extract | None:
    """One line per slide on the question's topic, in deck order: its title and its best line, cited.
    None when one slide holds it all: that is quoted as any answer is."""
    best_chunk = max(s.chunk_score for _, s in ranked)
    lines: dict[int, Sentence] = {}
    for _, sentence in ranked:  # best first, so each slide's first sentence is its best
        strong = sentence.chunk_score >= _SUMMARY_RATIO * best_chunk
        if sentence.slide and strong and sentence.slide not in lines and len(lines) < _SUMMARY_SLIDES:
            lines[sentence.slide] = sentence
    if len(lines) < 2:
        return None
    titles = {s.slide: s.text for _, s in ranked if _is_title(s)}
    rows = []
    for slide, sentence in sorted(lines.items()):
        title = titles.get(slide, "")
        head = f"{title}: " if title and title != sentence.text and len(title) <= 80 else ""
        rows.append(f"- {head}{_as_sentence(sentence.text)} [{slide}]")
    citations = [citation(sentence) for _, sentence in sorted(lines.items())]
    return Extract("\n".join(rows), citations, list(dict.fromkeys(s.chunk for s in lines.values())))


def _is_title(sentence: Sentence) -> bool:
    """A slide chunk's first line is its title (chunking puts it there)."""
    return not sentence.from_notes and sentence.position == 0


def _lead_first(passage: list[Sentence], lead: Sentence) -> list[Sentence]:
    """The line that answers best opens the answer; the rest of its passage follows in reading order."""
    if lead not in passage:
        return passage
    return [lead, *(s for s in passage if s != lead)]


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
    best = lines[0][1]
    content = [s for s in keep if not _is_title(s) or s is best]
    unique = {s.text: s for s in sorted(content or keep, key=lambda s: s.position)}
    return list(unique.values())


def _within_budget(passages: list[list[Sentence]]) -> list[list[Sentence]]:
    """The strongest passages first, as many as fit the answer's length; each slide's passages
    together (slide, then its notes), the slides in order of strength."""
    kept: list[list[Sentence]] = []
    used = 0
    for passage in passages:
        size = sum(len(s.text) + 2 for s in passage)
        if passage and (not kept or used + size <= _ANSWER_BUDGET):
            kept.append(passage)
            used += size
    rank = {slide: i for i, slide in enumerate(dict.fromkeys(p[0].slide for p in kept))}
    return sorted(kept, key=lambda p: (rank[p[0].slide], p[0].from_notes))


def _cited_text(passages: list[list[Sentence]]) -> str:
    """The passages in order, each slide's run followed by its marker once."""
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
        best = next(s for _, s in ranked if s.slide == slide)
        citations.append(citation(best))
    return citations


def citation(sentence: Sentence) -> Citation:
    """A citation of the sentence's slide, quoting it, and saying whether the quote is from notes."""
    return Citation(slide=sentence.slide, quote=sentence.text, notes=sentence.from_notes)


def _as_sentence(text: str) -> str:
    return text if text[-1:] in ".!?。！？:" else f"{text}."
