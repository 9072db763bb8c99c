"""Scoring answers against reference QA: pure functions, so the eval's numbers can be unit-tested."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_STOP = frozenset(
    """
    a an the of and or to in on at by for with is are was were be it its this that as from not
    """.split()  # noqa: SIM905
)


def content_tokens(text: str) -> list[str]:
    """Numbers, words and CJK characters, without the commonest function words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if _CJK.search(token):
            tokens.extend(ch for ch in token if _CJK.match(ch))
        elif token not in _STOP:
            tokens.append(token.replace(",", "."))
    return tokens


def answer_recall(reference: str, answer: str) -> float:
    """The share of the reference answer's content tokens that appear in the answer."""
    wanted = content_tokens(reference)
    if not wanted:
        return 1.0
    have = set(content_tokens(answer))
    return sum(token in have for token in wanted) / len(wanted)


def reciprocal_rank(ranked: Sequence[int], relevant: set[int]) -> float:
    return next((1 / (i + 1) for i, slide in enumerate(ranked) if slide in relevant), 0.0)


def recall_at(ranked: Sequence[int], relevant: set[int], k: int) -> float:
    return 1.0 if relevant.intersection(ranked[:k]) else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
