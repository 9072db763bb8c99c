"""The grounding check: every checkable fact in an answer must appear in the evidence it cites.

Checkable facts are numbers (with dates and quantities), proper names and acronyms, and quoted phrases.
A small model will invent a revenue figure or a CEO's name if allowed; this is what catches it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from deckchat.core.citations import strip_markers

_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,\u00a0\u2009 ]\d{3})*(?:[.,]\d+)?(?![\w])")
_QUOTED = re.compile(r"[\"“«„]([^\"”»“]{3,200})[\"”»“]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Capitalised words that start sentences or are ordinary in answers, so not names to verify.
_COMMON = frozenset(
    """
    a an and are as at be but by can do does for from has have he her his how i if in is it its no
    not of on or our she so that the their them then there these they this those to was we were
    what when where which who why will with yes you your according also both each however here
    slide slides deck notes presenter answer see note more most other such only all any some
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Unsupported:
    kind: str  # "number" | "name" | "quote"
    text: str


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _number_key(raw: str) -> str:
    """12,000 and 12 000 and 12000 are one number; 3,13 (decimal comma) matches 3.13."""
    digits = re.sub(r"[\u00a0\u2009 ]", "", raw.strip("+"))
    if re.fullmatch(r"-?\d{1,3}(?:[.,]\d{3})+", digits):
        return re.sub(r"[.,]", "", digits)
    return digits.replace(",", ".")


def numbers(text: str) -> set[str]:
    return {_number_key(m.group()) for m in _NUMBER.finditer(unicodedata.normalize("NFKC", text))}


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start, and acronyms: the proper names worth verifying."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n+", text):
        words = _WORD.findall(sentence)
        for position, word in enumerate(words):
            acronym = len(word) >= 2 and word.isupper()
            capitalised = word[0].isupper() and position > 0
            if (acronym or capitalised) and word.casefold() not in _COMMON:
                found.add(word)
    return found


def quotes(text: str) -> set[str]:
    return {m.group(1).strip() for m in _QUOTED.finditer(text) if len(m.group(1).split()) >= 2}


def check(answer: str, evidence: str) -> list[Unsupported]:
    """The facts in ``answer`` that ``evidence`` does not contain; empty means grounded."""
    answer = strip_markers(answer)  # "[7]" cites a slide; it claims nothing
    haystack = normalise(evidence)
    evidence_numbers = numbers(evidence)
    missing = [Unsupported("number", n) for n in sorted(numbers(answer) - evidence_numbers)]
    missing += [Unsupported("name", n) for n in sorted(names(answer)) if normalise(n) not in haystack]
    missing += [Unsupported("quote", q) for q in sorted(quotes(answer)) if normalise(q) not in haystack]
    return missing
