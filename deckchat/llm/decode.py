"""Greedy decoding loops over a KV-cached forward pass: plain, and with drafts checked per pass.

``speculate`` is the one verification loop: a ``Drafter`` guesses the next tokens, one pass checks
them, and what the model would have chosen itself is kept. Drafts come from the prompt (``lookup``,
below) or from a small resident draft model (draft.py).

Prompt-lookup decoding (the scheme behind transformers' ``prompt_lookup_num_tokens``) drafts the
next tokens by finding the last few tokens earlier in the prompt or the reply, and proposing what
followed them there. One forward pass checks the last token plus every draft; the drafts the model
would have chosen itself are kept, with the model's own next token after them, and the cache is cut
back to what was kept. A deck answer quotes its evidence, so drafts are often right, and each pass
over offloaded weights then yields several tokens instead of one. The output is the model's own
greedy choice at every position, so it is plain greedy decoding's, token for token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

# Drafts per pass. A pass over offloaded weights costs about the same for 1 token as for 11 (the
# read dominates), and a wrong draft only costs its share of the compute.
DRAFTS = 10
# The longest run of tokens matched; longer runs are tried first, as they pick the right place more often.
MAX_NGRAM = 3

# (new token ids, how many positions' predictions to return) -> the greedy next token of each of
# those last positions. It appends the ids to the cache.
Forward = Callable[[list[int], int], list[int]]
# Drop this many entries from the end of the cache.
Crop = Callable[[int], None]


@dataclass
class Counts:
    """One generation's work: what a bench divides into passes per token and acceptance rate."""

    passes: int = 0  # forward passes, the prompt's included
    generated: int = 0  # tokens yielded
    drafted: int = 0
    accepted: int = 0

    @property
    def passes_per_token(self) -> float:
        return self.passes / self.generated if self.generated else 0.0

    @property
    def acceptance(self) -> float:
        return self.accepted / self.drafted if self.drafted else 0.0

    def add(self, other: Counts) -> None:
        self.passes += other.passes
        self.generated += other.generated
        self.drafted += other.drafted
        self.accepted += other.accepted


def greedy(
    forward: Forward, ids: list[int], budget: int, stop_ids: frozenset[int], counts: Counts
) -> Iterator[int]:
    """Greedy token ids after ``ids`` until a stop token or ``budget``, one pass per token."""
    step = ids
    for _ in range(budget):
        counts.passes += 1
        token = forward(step, 1)[0]
        if token in stop_ids:
            return
        counts.generated += 1
        yield token
        step = [token]


class Drafter(Protocol):
    """Where drafts come from: told every token of the sequence as it becomes final, asked for up to
    ``limit`` guesses of the next ones."""

    def append(self, token: int) -> None: ...

    def propose(self, limit: int) -> list[int]: ...


class DraftSource(Protocol):
    """What makes each generation its own Drafter: a loaded draft model (draft.DraftModel)."""

    def drafter(self, ids: list[int], lock: AbstractContextManager[Any] | None = None) -> Drafter: ...


def lookup(
    forward: Forward,
    crop: Crop,
    ids: list[int],
    budget: int,
    stop_ids: frozenset[int],
    counts: Counts,
    drafts: int = DRAFTS,
) -> Iterator[int]:
    """The same tokens as ``greedy``, checking up to ``drafts`` prompt-lookup drafts per pass."""
    return speculate(forward, crop, NgramIndex(ids), ids, budget, stop_ids, counts, drafts)


def speculate(
    forward: Forward,
    crop: Crop,
    drafter: Drafter,
    ids: list[int],
    budget: int,
    stop_ids: frozenset[int],
    counts: Counts,
    drafts: int = DRAFTS,
) -> Iterator[int]:
    """The same tokens as ``greedy``, checking up to ``drafts`` of ``drafter``'s tokens per pass.

    ``drafter`` has been told ``ids`` already. Every token is yielded as soon as its pass has
    verified it, so a consumer never sees one that is later taken back. No pass reaches a position
    ``greedy`` would not: the last token fed is at most the ``budget - 1``th.
    """
    made = 0
    counts.passes += 1
    token = forward(ids, 1)[0]
    while True:
        if token in stop_ids:
            return
        counts.generated += 1
        yield token
        drafter.append(token)
        made += 1
        left = budget - made
        if left <= 0:
            return
        # Each pass also makes one token of its own, so more than ``left - 1`` drafts would run past
        # the budget (and maybe the model's context).
        drafted = drafter.propose(min(drafts, left - 1))
        counts.passes += 1
        counts.drafted += len(drafted)
        predicted = forward([token, *drafted], 1 + len(drafted))
        kept = _agreeing(drafted, predicted)
        counts.accepted += kept
        if kept < len(drafted):
            crop(len(drafted) - kept)
        for accepted in drafted[:kept]:
            if accepted in stop_ids:
                return
            counts.generated += 1
            yield accepted
            drafter.append(accepted)
            made += 1
        token = predicted[kept]


def _agreeing(drafted: list[int], predicted: list[int]) -> int:
    """How many drafts, from the first, are the model's own greedy choice after what precedes them."""
    kept = 0
    while kept < len(drafted) and predicted[kept] == drafted[kept]:
        kept += 1
    return kept


class NgramIndex:
    """The tokens so far, and for every run of 1 to ``MAX_NGRAM`` of them the position right after
    its latest earlier occurrence: finding a draft is a dictionary look-up, not a scan."""

    def __init__(self, tokens: list[int]) -> None:
        self.tokens: list[int] = []
        self._after: dict[tuple[int, ...], int] = {}
        for token in tokens:
            self.append(token)

    def append(self, token: int) -> None:
        end = len(self.tokens)
        for n in range(1, min(MAX_NGRAM, end) + 1):
            self._after[tuple(self.tokens[end - n : end])] = end  # the run just before ``token``
        self.tokens.append(token)

    def propose(self, limit: int) -> list[int]:
        """Up to ``limit`` tokens that followed the longest recent run of the last tokens seen before."""
        if limit <= 0:
            return []
        end = len(self.tokens)
        for n in range(min(MAX_NGRAM, end), 0, -1):
            start = self._after.get(tuple(self.tokens[end - n : end]))
            if start is not None:
                return self.tokens[start : start + limit]
        return []
