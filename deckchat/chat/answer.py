"""From retrieved evidence to an Answer: generate (or extract), map citations, check grounding, refuse."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from deckchat.chat.evidence import Sentence, evidence_text, quotable, sentences
from deckchat.chat.extractive import extractive_answer
from deckchat.chat.prompt import DECLINE, build_messages
from deckchat.core.chat import Answer, Citation, Hit, NotesMode
from deckchat.core.citations import cited_slides
from deckchat.core.grounding import check
from deckchat.index.tokens import tokenize
from deckchat.llm.base import Generator, Message

EXTRACTIVE = "extractive"
_MAX_TOKENS = 160
_DECLINED = re.compile(
    r"doesn.t say|does not say|not in the (deck|evidence)|no information|cannot answer", re.I
)


def refusal(hits: Sequence[Hit], llm: str) -> Answer:
    """One sentence that says the deck has no answer, naming the closest slides, citing nothing."""
    closest = list(dict.fromkeys(hit.chunk.slide for hit in hits if hit.chunk.slide))[:2]
    near = f" The closest slides are {' and '.join(map(str, closest))}." if closest else ""
    return Answer(answer=f"{DECLINE}{near}", citations=(), refused=True, llm=llm)


def answer(
    question: str,
    hits: Sequence[Hit],
    *,
    mode: NotesMode,
    answerable: bool,
    generator: Generator | None,
    history: Sequence[Message] = (),
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is produced, then the final Answer (whose text may differ)."""
    llm = generator.name if generator else EXTRACTIVE
    if not answerable or not hits:
        final = refusal(hits, llm)
        yield final.answer
        yield final
        return
    if generator is None:
        text, citations = extractive_answer(question, list(hits), mode)
        yield text
        yield Answer(text, tuple(citations), refused=False, llm=llm)
        return
    pieces: list[str] = []
    for piece in generator.stream(build_messages(question, hits, history), max_tokens=_MAX_TOKENS):
        pieces.append(piece)
        yield piece
    yield ground("".join(pieces).strip(), question, list(hits), mode, llm)


def ground(text: str, question: str, hits: list[Hit], mode: NotesMode, llm: str) -> Answer:
    """Keep a generated answer only if every fact in it is in the evidence it cites."""
    if not text or _DECLINED.search(text):
        return refusal(hits, llm)
    retrieved = {hit.chunk.slide for hit in hits}
    cited = cited_slides(text) or _attribute(text, hits)
    if cited and set(cited) <= retrieved and not check(text, evidence_text(hits, set(cited))):
        pool = sentences(hits)
        return Answer(text, tuple(_citation(slide, text, pool, mode) for slide in cited if slide), False, llm)
    fallback, citations = extractive_answer(question, hits, mode)
    return Answer(fallback, tuple(citations), refused=False, llm=llm, grounding_replaced=True)


def _attribute(text: str, hits: list[Hit]) -> list[int]:
    """Slides for an answer the model didn't cite: the evidence sharing the most words with it."""
    words = set(tokenize(text))
    overlap = {hit.chunk.slide: len(words.intersection(tokenize(hit.chunk.text))) for hit in reversed(hits)}
    best = max(overlap.values(), default=0)
    return [slide for slide, count in overlap.items() if count == best and count > 0][:1]


def _citation(slide: int, text: str, pool: list[Sentence], mode: NotesMode) -> Citation:
    words = set(tokenize(text))
    candidates = [s for s in pool if s.slide == slide and quotable(s, mode)]
    best = max(candidates, key=lambda s: len(words.intersection(tokenize(s.text))), default=None)
    return Citation(slide=slide, quote=best.text if best else "")
