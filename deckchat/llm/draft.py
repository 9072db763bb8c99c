"""A small resident draft model: it guesses the next tokens, and one pass of the big model checks them.

The draft lives whole in memory and is cheap per token; the target's pass streams its offloaded
weights, and costs about the same for eleven positions as for one. So the draft guesses a few tokens
greedily (keeping its own KV cache), the target verifies them in one pass (decode.speculate: the same
verification as prompt-lookup drafts), and the output is the target's own greedy choice at every
position, token for token. Draft and target must share the tokenizer, as the drafts are token ids.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import DeckchatError
from deckchat.llm import smollm2
from deckchat.llm.cpu_int8 import quantize_linear_int8
from deckchat.llm.decode import DRAFTS
from deckchat.llm.load import load_model
from deckchat.llm.local import CachedForward
from deckchat.llm.resolve import resolve_model
from deckchat.settings import LlmOptions

# The draft length starts here and moves by transformers' "heuristic" schedule: two more after a
# proposal that was kept whole, one fewer after one that was not; never above what one pass checks.
FIRST_LENGTH = 5
GROW, SHRINK = 2, 1


def draft_source(spec: str, options: LlmOptions) -> Path:
    """The folder of the draft model ``spec`` names: ``smollm2`` (the embedded model, converted on
    first use), ``hf:ID_OR_PATH``, or a local model directory."""
    if spec == "smollm2":
        return smollm2.ensure_converted(options)
    return resolve_model(spec.removeprefix("hf:"))


class DraftModel:
    """A loaded draft model; each generation gets its own ``drafter`` (and KV cache) from it."""

    def __init__(self, model: Any, *, name: str) -> None:
        self.model = model
        self.name = name
        self._limit: int = getattr(model.config, "max_position_embeddings", None) or 1 << 30

    def drafter(self, ids: list[int], lock: AbstractContextManager[Any] | None = None) -> ModelDrafter:
        """Drafts for a generation after ``ids``; ``lock`` is the generator's, one forward at a time."""
        return ModelDrafter(CachedForward(self.model, lock), ids, self._limit)


def load_draft(source: Path, target_tokenizer: Any) -> DraftModel:
    """The draft model at ``source``, whole in memory (on the GPU when there is one), once its
    tokenizer is known to be the target's."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    ensure_same_tokenizer(tokenizer, target_tokenizer, name=source.name)
    # The draft's precision only decides how often it guesses right, never what the output is, so
    # it runs as fast as it can: float16 on a GPU, int8 linear layers on a CPU (cpu_int8.py).
    if torch.cuda.is_available():
        return DraftModel(load_model(source, dtype=torch.float16).to("cuda"), name=source.name)
    model = quantize_linear_int8(load_model(source, dtype=torch.float32))
    return DraftModel(model, name=source.name)


def ensure_same_tokenizer(draft_tokenizer: Any, target_tokenizer: Any, *, name: str) -> None:
    """Refuse a draft whose vocabulary differs from the target's: its token ids would mean other words."""
    if draft_tokenizer.get_vocab() != target_tokenizer.get_vocab():
        raise DeckchatError(
            f"The draft model {name} has another tokenizer than the model it drafts for; choose a "
            "draft of the same family (smollm2 for a SmolLM2 model) or unset DECKCHAT_LLM_DRAFT.",
            code="draft_tokenizer_mismatch",
        )


class ModelDrafter:
    """One generation's drafts: greedy tokens of the draft model after the sequence so far.

    Its cache holds the sequence's tokens it has read plus its last guesses; before guessing again it
    keeps only the part that is still the sequence's (the guesses the target accepted) and reads on
    from there.
    """

    def __init__(self, forward: CachedForward, ids: list[int], limit: int) -> None:
        self._forward = forward
        self.tokens = list(ids)
        self.length = FIRST_LENGTH
        self._limit = limit  # the draft's context
        self._fed: list[int] = []  # what its cache holds
        self._last: tuple[int, list[int]] = (0, [])  # where the last proposal started, and it

    def append(self, token: int) -> None:
        self.tokens.append(token)

    def propose(self, limit: int) -> list[int]:
        self._adapt()
        count = min(limit, self.length, self._limit - len(self.tokens) + 1)
        if count <= 0:
            return []
        self._rewind()
        step = self.tokens[len(self._fed) :]
        drafted: list[int] = []
        for _ in range(count):
            token = self._forward(step, 1)[0]
            self._fed += step
            drafted.append(token)
            step = [token]
        self._last = (len(self.tokens), drafted)
        return drafted

    def _adapt(self) -> None:
        start, drafted = self._last
        if not drafted:
            return
        if self.tokens[start : start + len(drafted)] == drafted:
            self.length = min(DRAFTS, self.length + GROW)
        else:
            self.length = max(1, self.length - SHRINK)

    def _rewind(self) -> None:
        """Crop the cache back to what is still the sequence, leaving at least one token to read:
        the next guess needs the logits after the last one."""
        end = min(len(self._fed), len(self.tokens) - 1)
        common = min(self._last[0], end)  # the cache matched the sequence up to the last proposal
        while common < end and self._fed[common] == self.tokens[common]:
            common += 1
        if common < len(self._fed):
            self._forward.crop(len(self._fed) - common)
            self._fed = self._fed[:common]


def truncated_copy(source: Path, layers: int, out: Path) -> Path:
    """Save the first ``layers`` blocks of the model at ``source``, with its embedding, final norm,
    head and tokenizer, at ``out``: a draft that shares the tokenizer by construction. Untrained as an
    early exit, it guesses right less often than a trained small sibling, but needs nothing downloaded."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model: Any = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, local_files_only=True)
    model.model.layers = model.model.layers[:layers]
    model.config.num_hidden_layers = layers
    if isinstance(getattr(model.config, "layer_types", None), list):
        model.config.layer_types = model.config.layer_types[:layers]
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(source, local_files_only=True).save_pretrained(out)
    return out
