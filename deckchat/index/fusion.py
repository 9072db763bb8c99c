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

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

NEAR_DUPLICATE = 0.8  # Jaccard of token sets: repeated agenda slides, identical build pages
SLIDE_BONUS = 0.25  # the viewer's slide gains a quarter of the best score: favoured, not forced
MIN_SLIDE_BONUS = 1.0  # z-units: a vague question ("what does this mean?") still lands on it

# Answerability: USE cosines between a question and a passage that answers it sit around 0.45-0.5;
# chunks merely on the deck's topic sit around 0.2. The band between maps to 0..1.
USE_FLOOR, USE_ANSWER = 0.2, 0.5
TOP_FOR_COVERAGE = 3
REFUSE_BELOW = 0.38  # chosen out of fold by bench/calibrate.py (bench/RESULTS.md)
MISSING_PENALTY = 0.4
GENERIC_WEIGHT = 0.15  # an everyday question word still counts a little toward coverage


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


def answerability(lexical: float, use: float, weight: float, missing: float) -> float:
    """How well the deck answers a question, in [0, 1]; below REFUSE_BELOW, refuse.

    Two kinds of evidence, mixed by ``weight``, the share of the question's words the deck uses at
    all (near 0 for a question in another language than the deck, where only meaning can speak):
    - ``lexical``: the specificity-weighted share of the question's words found in the top chunks;
    - ``use``: the multilingual USE cosine of the best fused hit, mapped from the deck-topic band to
      the answer band (taking the fused winner's, not the best USE anywhere, asks the retrievers to
      agree);
    and ``missing``, the specificity of the most specific question word the deck never uses: a
    question that names something the deck doesn't is likely about something else.
    """
    semantic = float(np.clip((use - USE_FLOOR) / (USE_ANSWER - USE_FLOOR), 0.0, 1.0))
    score = weight * lexical + (1.0 - weight) * semantic - MISSING_PENALTY * weight * missing
    return float(np.clip(score, 0.0, 1.0))
