"""From retrieved evidence to an Answer: extract, or generate and verify before showing; refuse.

Nothing a viewer is shown is taken back: generated text streams a whole, verified sentence at a time
(chat/verify.py), and the final answer is exactly what streamed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from deckchat.chat.evidence import Sentence, check_shown, sentences
from deckchat.chat.extractive import Extract, citation, extract
from deckchat.chat.prompt import DECLINE, build_messages
from deckchat.chat.verify import attribute, sentences_of, verify
from deckchat.core.chat import Answer, ChunkKind, Citation, Hit, NotesMode
from deckchat.core.citations import cited_slides
from deckchat.index.tokens import tokenize
from deckchat.llm.base import Generator, Message

EXTRACTIVE = "extractive"
_MAX_TOKENS = 160


_TITLE_SHOWN = 60  # characters of a slide title named in a refusal


def refusal(hits: Sequence[Hit], llm: str, unmentioned: str | None = None) -> Answer:
    """Say the deck has no answer, and what it has nearest: the closest slides by number and title,
    offered to look at, not cited as evidence for anything. ``unmentioned`` is a word of the question
    that nothing a viewer may see in the deck uses; naming it says what is missing."""
    titles: dict[int, str] = {}
    for hit in hits:
        if hit.chunk.slide and hit.chunk.slide not in titles and len(titles) < 2:
            titles[hit.chunk.slide] = _title(hit)
    lead = f"The deck doesn't mention {unmentioned}." if unmentioned else DECLINE
    named = [f"slide {n} ({title})" if title else f"slide {n}" for n, title in titles.items()]
    near = f" The closest it comes is {' and '.join(named)}." if named else ""
    return Answer(answer=f"{lead}{near}", citations=(), refused=True, llm=llm)


def _title(hit: Hit) -> str:
    """A slide chunk's first line, its title; notes have none to name."""
    if hit.chunk.kind is not ChunkKind.SLIDE:
        return ""
    first = " ".join(hit.chunk.text.split("\n", 1)[0].split())
    return first if len(first) <= _TITLE_SHOWN else f"{first[: _TITLE_SHOWN - 1].rstrip()}…"


def answer(
    question: str,
    hits: Sequence[Hit],
    *,
    mode: NotesMode,
    answerable: bool,
    generator: Generator | None,
    history: Sequence[Message] = (),
    unmentioned: str | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is produced, then the final Answer, whose text is what was yielded.

    ``hits`` must hold only what the notes mode lets a viewer see (``DeckIndex.search`` returns just
    that): everything here, the prompt included, may reach the viewer.
    """
    check_shown(hits, mode)
    llm = generator.name if generator else EXTRACTIVE
    if not answerable or not hits:
        final = refusal(hits, llm, unmentioned)
        yield final.answer
        yield final
        return
    found = extract(question, list(hits))
    if generator is None:
        yield found.text
        yield Answer(found.text, tuple(found.citations), refused=False, llm=llm)
        return
    prompt = generation_prompt(question, hits, found, history)
    shown = ""
    declined = False
    quoted = {c.slide for c in found.citations}
    for sentence in sentences_of(generator.stream(prompt, max_tokens=_MAX_TOKENS)):
        verdict = verify(sentence, shown, question, hits, quoted)
        if verdict.stop:
            declined = verdict.stop == "declined" and not shown
            break
        shown += verdict.shown
        yield verdict.shown
    final = finish(shown, hits, found, llm, declined=declined)
    yield final.answer[len(shown) :]
    yield final


def finish(shown: str, hits: Sequence[Hit], found: Extract, llm: str, *, declined: bool = False) -> Answer:
    """The answer that begins with the verified text already shown, followed by the quoted evidence.

    A small model's paraphrase drops detail (the six items of a list, the figures of a table), and the
    quotes are what it rests on. With nothing shown, the extractive answer stands alone, or the
    model's refusal does.
    """
    if not shown.strip():
        if declined:
            return refusal(hits, llm)
        return Answer(found.text, tuple(found.citations), refused=False, llm=llm, grounding_replaced=True)
    text = shown.rstrip()
    retrieved = {hit.chunk.slide for hit in hits}
    cited = [s for s in cited_slides(text) if s in retrieved] or attribute(text, hits)
    pool = sentences(list(hits))
    citations = [_citation(slide, text, pool) for slide in cited if slide]
    citations += [c for c in found.citations if c.slide not in cited]
    quoted = "\n".join(f"> {line}" for line in found.text.splitlines())  # a summary quotes several lines
    return Answer(shown + (f"\n\n{quoted}" if quoted else ""), tuple(citations), False, llm)


def generation_prompt(
    question: str, hits: Sequence[Hit], found: Extract, history: Sequence[Message] = ()
) -> list[Message]:
    """What the generator is asked: the evidence the extract quotes first, then the rest by rank."""
    return build_messages(question, _quoted_first(hits, found), history)


def _quoted_first(hits: Sequence[Hit], found: Extract) -> list[Hit]:
    """The evidence for the prompt: the chunks the extract quotes, then the rest by rank."""
    by_id = {hit.chunk.id: hit for hit in hits}
    first = [by_id[i] for i in found.chunks if i in by_id]
    return first + [hit for hit in hits if hit.chunk.id not in found.chunks]


def _citation(slide: int, text: str, pool: list[Sentence]) -> Citation:
    words = set(tokenize(text))
    candidates = [s for s in pool if s.slide == slide]
    best = max(candidates, key=lambda s: len(words.intersection(tokenize(s.text))), default=None)
    return citation(best) if best else Citation(slide=slide, quote="")
