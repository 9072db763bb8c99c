"""Generated text, checked sentence by sentence before a viewer sees it.

A sentence is shown only once it is whole and every fact in it is in the evidence it cites, so nothing
shown is ever taken back. The first sentence that fails ends the generation: what was shown stands, and
the quoted evidence follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from deckchat.chat.evidence import evidence_text
from deckchat.chat.prompt import recites_rules
from deckchat.core.chat import Hit
from deckchat.core.citations import cited_slides, strip_markers
from deckchat.core.grounding import check
from deckchat.index.tokens import tokenize

_PROMPT_ECHO = re.compile(r"</?evidence|^\s*question:", re.IGNORECASE | re.MULTILINE)
_MIN_REPEATED_LINE = 20
_SUPPORTED_SHARE = 0.5
DECLINED = re.compile(
    r"doesn.t say|does not say|not in the (deck|evidence)|no information|cannot answer", re.I
)
# A sentence ends at a stop followed by space and then by something other than a citation marker (the
# marker after a stop belongs to the sentence before it), at a CJK stop, or at a line break.
_SENTENCE_END = re.compile(
    r"[.!?](?:\s*[\[(][^\])\n]*[\])])?\s+(?=[^\s\[(])|[。！？](?:\s*\[[^\]\n]*\])?\s*(?=[^\s\[(])|\n+"
)


def sentences_of(pieces: Iterable[str]) -> Iterator[str]:
    """Whole sentences (with the space after them) from a stream of tokens; the rest when it ends."""
    buffer = ""
    for piece in pieces:
        buffer += piece
        start = 0
        for end in _SENTENCE_END.finditer(buffer):
            yield buffer[start : end.end()]
            start = end.end()
        buffer = buffer[start:]
    if buffer.strip():
        yield buffer


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to show of a sentence (its markers dropped if they cite the wrong slides), or why not."""

    shown: str = ""
    stop: str = ""  # "declined", "runaway", "unsupported"; empty when the sentence is shown


def verify(sentence: str, before: str, question: str, hits: Sequence[Hit], quoted: set[int]) -> Verdict:
    """Judge one generated sentence, given the text already shown before it.

    Small models often cite the wrong block: a sentence whose facts all stand in the quoted passages
    is shown without its markers, and the quotes that follow the answer carry the citations.
    """
    if DECLINED.search(sentence):
        return Verdict(stop="declined")
    if runaway(before + sentence) or recites_rules(sentence):
        return Verdict(stop="runaway")
    every = "\n".join(hit.chunk.text for hit in hits)
    if not says_something(sentence, question, every):
        return Verdict(stop="unsupported")
    retrieved = {hit.chunk.slide for hit in hits}
    cited = cited_slides(sentence) or attribute(sentence, hits)
    if cited and set(cited) <= retrieved and not check(sentence, evidence_text(list(hits), set(cited))):
        return Verdict(shown=sentence)
    if quoted and not check(sentence, evidence_text(list(hits), quoted)):
        return Verdict(shown=_unmarked(sentence))
    return Verdict(stop="unsupported")


def runaway(text: str) -> bool:
    """Generated text that echoes the prompt's markup or rules, or repeats a whole line of itself."""
    if _PROMPT_ECHO.search(text) or recites_rules(text):
        return True
    lines = [" ".join(line.split()) for line in re.split(r"\n|(?<=[.!?])\s+", text)]
    lines = [line for line in lines if len(line) >= _MIN_REPEATED_LINE]
    return len(lines) != len(set(lines))


def says_something(text: str, question: str, evidence: str) -> bool:
    """A sentence must add words from the evidence to the question's, and mostly the evidence's words.

    "The new item in the OWASP Top 10 is the OWASP Top 10" states no fact to check, and "the presenter
    is an expert" states one the evidence never made.
    """
    new = set(tokenize(strip_markers(text))) - set(tokenize(question))
    if not new:
        return False
    supported = new.intersection(tokenize(evidence))
    return len(supported) >= 1 and len(supported) >= _SUPPORTED_SHARE * len(new)


def attribute(text: str, hits: Sequence[Hit]) -> list[int]:
    """Slides for a sentence the model didn't cite: the evidence sharing the most words with it."""
    words = set(tokenize(text))
    overlap = {hit.chunk.slide: len(words.intersection(tokenize(hit.chunk.text))) for hit in reversed(hits)}
    best = max(overlap.values(), default=0)
    return [slide for slide, count in overlap.items() if count == best and count > 0][:1]


def _unmarked(sentence: str) -> str:
    trailing = sentence[len(sentence.rstrip()) :]
    return strip_markers(sentence) + trailing
