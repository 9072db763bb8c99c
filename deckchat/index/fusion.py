"""Score fusion, near-duplicate collapse and the answerability signal: numpy only, no models.

Why fuse scores rather than ranks: reciprocal rank fusion gives a retriever that is far off (MiniLM
on a German deck, BM25 on a question that shares no word with the deck) as much say as one that is
sure, and dragged good hits down. Here each retriever's scores become z-scores over the deck (how far
above the deck's usual similarity a chunk stands), only the above-average side counts, and the two
lexical retrievers (BM25 and the English-only MiniLM) are weighted by the share of the question's
words the deck uses at all. An English question on a German deck then leans on multilingual USE.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from deckchat.core.chat import Hit

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

NEAR_DUPLICATE = 0.8  # Jaccard of token sets: repeated agenda slides, identical build pages
SLIDE_BONUS = 0.25  # the viewer's slide gains a quarter of the best score: favoured, not forced
MIN_SLIDE_BONUS = 1.0  # z-units: a vague question ("what does this mean?") still lands on it

# Answerability: USE cosines between a question and a passage that answers it sit around 0.45-0.5;
# chunks merely on the deck's topic sit around 0.2. The band between maps to 0..1.
USE_FLOOR, USE_ANSWER = 0.2, 0.5
TOP_FOR_COVERAGE = 3
REFUSE_BELOW = 0.4


def zscores(scores: FloatArray, mask: BoolArray) -> FloatArray:
    """How many standard deviations above the mean of the visible chunks; below the mean counts 0."""
    out = np.zeros_like(scores)
    values = scores[mask]
    if values.size < 2:
        return out
    spread = float(values.std())
    if spread < 1e-9:
        return out
    out[mask] = np.maximum((values - float(values.mean())) / spread, 0.0)
    return out


def fuse(raw: dict[str, FloatArray], mask: BoolArray, lexical_weight: float) -> FloatArray:
    """Weighted sum of the retrievers' z-scores (see the module docstring for the weights)."""
    fused = np.zeros_like(raw["use"])
    for name, scores in raw.items():
        weight = 1.0 if name == "use" else lexical_weight
        fused += weight * zscores(scores, mask)
    fused[~mask] = -np.inf
    return fused


def near_duplicates(token_sets: Sequence[frozenset[str]]) -> list[frozenset[int]]:
    """For each chunk, the other chunks whose tokens it (nearly) shares. Built once per index."""
    order = sorted(range(len(token_sets)), key=lambda i: len(token_sets[i]))
    dups: list[set[int]] = [set() for _ in token_sets]
    for a, i in enumerate(order):
        small = token_sets[i]
        for j in order[a + 1 :]:
            big = token_sets[j]
            # Jaccard can't reach the bar once the sizes differ by more than its ratio; stop early.
            if len(small) < NEAR_DUPLICATE * len(big):
                break
            if _jaccard(small, big) >= NEAR_DUPLICATE:
                dups[i].add(j)
                dups[j].add(i)
    return [frozenset(d) for d in dups]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def collapse(ranked: Sequence[int], dups: Sequence[frozenset[int]]) -> list[tuple[int, int]]:
    """Walk chunk ids best first, skipping near-duplicates of ones already kept.

    Returns (chunk id, how many duplicates it absorbed) in rank order.
    """
    kept: dict[int, int] = {}
    for i in ranked:
        better = next((j for j in dups[i] if j in kept), None)
        if better is None:
            kept[i] = 0
        else:
            kept[better] += 1
    return list(kept.items())


def answerability(hits: Sequence[Hit]) -> float:
    """How well the deck answers the question behind ``hits``, in [0, 1]; below REFUSE_BELOW, refuse.

    Two kinds of evidence, mixed by how much the lexical kind applies:
    - lexical: the IDF-weighted share of the question's words found in one of the top chunks (a
      question about something the deck never names misses its rarest, most telling words);
    - semantic: the multilingual USE cosine of the best fused hit, mapped from the deck-topic band to
      the answer band; taking the fused winner's (not the best USE anywhere) asks the retrievers
      to agree.
    The mix weight is the share of the question's words the deck contains at all: near 0 for a
    question in another language than the deck, where only the semantic evidence can speak.
    Hits are ordered by their fused score, so a slide bonus doesn't change the verdict.
    """
    if not hits:
        return 0.0
    top = sorted(hits, key=lambda h: -h.scores.get("fused", h.score))[:TOP_FOR_COVERAGE]
    lexical = max(h.scores.get("coverage_idf", 0.0) for h in top)
    semantic = float(np.clip((top[0].scores.get("use", 0.0) - USE_FLOOR) / (USE_ANSWER - USE_FLOOR), 0, 1))
    weight = top[0].scores.get("deck_coverage", 0.0)
    return float(weight * lexical + (1.0 - weight) * semantic)
