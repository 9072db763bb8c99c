"""From retrieved evidence to an Answer: generate (or extract), map citations, check grounding, refuse."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from deckchat.chat.evidence import Sentence, check_shown, evidence_text, sentences
from deckchat.chat.extractive import Extract, extract, extractive_answer
from deckchat.chat.prompt import DECLINE, build_messages, recites_rules
from deckchat.core.chat import Answer, Citation, Hit, NotesMode
from deckchat.core.citations import cited_slides, strip_markers
from deckchat.core.grounding import check
from deckchat.index.tokens import tokenize
from deckchat.llm.base import Generator, Message

EXTRACTIVE = "extractive"
_MAX_TOKENS = 160
_PROMPT_ECHO = re.compile(r"</?evidence|^\s*question:", re.IGNORECASE | re.MULTILINE)
_MIN_REPEATED_LINE = 20
_SUPPORTED_SHARE = 0.5
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
    """Yield the answer's text as it is produced, then the final Answer (whose text may differ).

    ``hits`` must hold only what the notes mode lets a viewer see (``DeckIndex.search`` returns just
    that): everything here, the prompt included, may reach the viewer.
    """
    check_shown(hits, mode)
    llm = generator.name if generator else EXTRACTIVE
    if not answerable or not hits:
        final = refusal(hits, llm)
        yield final.answer
        yield final
        return
    if generator is None:
        text, citations = extractive_answer(question, list(hits))
        yield text
        yield Answer(text, tuple(citations), refused=False, llm=llm)
        return
    found = extract(question, list(hits))
    pieces: list[str] = []
    prompt = build_messages(question, _quoted_first(hits, found), history)
    for piece in generator.stream(prompt, max_tokens=_MAX_TOKENS):
        pieces.append(piece)
        if runaway("".join(pieces)):
            pieces.pop()  # the model started echoing its prompt or repeating itself: stop it there
            break
        yield piece
    streamed = "".join(pieces)
    final = ground(streamed.strip(), question, list(hits), llm, found)
    if not final.grounding_replaced and final.answer.startswith(streamed.strip()):
        yield final.answer[len(streamed.strip()) :]  # the quoted evidence that follows the model's words
    yield final


def ground(text: str, question: str, hits: list[Hit], llm: str, found: Extract | None = None) -> Answer:
    """Keep a generated answer only if every fact in it is in the evidence it cites.

    A kept answer is followed by the evidence passages, quoted: a small model's paraphrase drops
    detail (the six items of a list, the figures of a table), and the quotes are what it rests on.
    """
    if not text or _DECLINED.search(text):
        return refusal(hits, llm)
    found = found or extract(question, hits)
    if recites_rules(text):
        return _replaced(found, llm)
    if not says_something(text, question, "\n".join(hit.chunk.text for hit in hits)):
        return _replaced(found, llm)
    retrieved = {hit.chunk.slide for hit in hits}
    cited = cited_slides(text) or _attribute(text, hits)
    quoted_slides = [c.slide for c in found.citations]
    if not (cited and set(cited) <= retrieved and not check(text, evidence_text(hits, set(cited)))):
        # Small models often cite the wrong block; facts all found in the quoted passages still stand,
        # cited to those passages instead of the model's markers.
        if not quoted_slides or check(text, evidence_text(hits, set(quoted_slides))):
            return _replaced(found, llm)
        text, cited = strip_markers(text), []
    pool = sentences(hits)
    citations = [_citation(slide, text, pool) for slide in cited if slide]
    citations += [c for c in found.citations if c.slide not in cited]
    quoted = f"{text}\n\n> {found.text}" if found.text else text
    return Answer(quoted, tuple(citations), False, llm)


def _replaced(found: Extract, llm: str) -> Answer:
    return Answer(found.text, tuple(found.citations), refused=False, llm=llm, grounding_replaced=True)


def runaway(text: str) -> bool:
    """Generated text that echoes the prompt's markup or rules, or repeats a whole line of itself."""
    if _PROMPT_ECHO.search(text) or recites_rules(text):
        return True
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if len(line) >= _MIN_REPEATED_LINE]
    return len(lines) != len(set(lines))


def says_something(text: str, question: str, evidence: str) -> bool:
    """An answer must add words from the evidence to the question's, and mostly the evidence's words.

    "The new item in the OWASP Top 10 is the OWASP Top 10" states no fact to check, and "the presenter
    is an expert" states one the evidence never made; both are replaced by the extractive answer.
    """
    new = set(tokenize(strip_markers(text))) - set(tokenize(question))
    if not new:
        return False
    supported = new.intersection(tokenize(evidence))
    return len(supported) >= 1 and len(supported) >= _SUPPORTED_SHARE * len(new)


def _quoted_first(hits: Sequence[Hit], found: Extract) -> list[Hit]:
    """The evidence for the prompt: the chunks the extract quotes, then the rest by rank."""
    by_id = {hit.chunk.id: hit for hit in hits}
    first = [by_id[i] for i in found.chunks if i in by_id]
    return first + [hit for hit in hits if hit.chunk.id not in found.chunks]


def _attribute(text: str, hits: list[Hit]) -> list[int]:
    """Slides for an answer the model didn't cite: the evidence sharing the most words with it."""
    words = set(tokenize(text))
    overlap = {hit.chunk.slide: len(words.intersection(tokenize(hit.chunk.text))) for hit in reversed(hits)}
    best = max(overlap.values(), default=0)
    return [slide for slide, count in overlap.items() if count == best and count > 0][:1]


def _citation(slide: int, text: str, pool: list[Sentence]) -> Citation:
    words = set(tokenize(text))
    candidates = [s for s in pool if s.slide == slide]
    best = max(candidates, key=lambda s: len(words.intersection(tokenize(s.text))), default=None)
    return Citation(slide=slide, quote=best.text if best else "")
