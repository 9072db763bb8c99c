"""Target models for the speculative-decoding tests: held in RAM, or with half their weights on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from deckchat.llm.base import Message
from deckchat.llm.decode import Counts
from deckchat.llm.draft import DraftModel
from deckchat.llm.load import load_causal_lm
from deckchat.llm.local import LocalGenerator
from deckchat.settings import Settings


@dataclass(frozen=True)
class Model:
    model: Any
    tokenizer: Any
    quotes: bool  # drafts from the prompt are often right for it

    def generator(self, *, lookup: bool = False, draft: DraftModel | None = None) -> LocalGenerator:
        return LocalGenerator(self.model, self.tokenizer, name="model", lookup=lookup, draft=draft)


def load_target(name: str, tiny_reader: Path, converted: Path, tmp_path_factory: Any) -> Model:
    """``tiny ...`` or ``SmolLM2 ...``, ``... in RAM`` or ``... half on disk``. float32: in bfloat16 a
    batched pass may round a near-tie the other way (docs/models.md)."""
    quotes = name.startswith("SmolLM2")
    source = converted if quotes else tiny_reader
    if name.endswith("RAM"):
        return Model(*load_causal_lm(source, dtype=torch.float32), quotes=quotes)
    home = tmp_path_factory.mktemp("offload-home")
    loaded = load_causal_lm(
        source,
        device_map="auto",
        max_memory={"cpu": model_size(source) // 2},
        offload_folder=home / "offload",
        dtype=torch.float32,
        options=Settings(home=home).llm_options,
    )
    assert "disk" in loaded[0].hf_device_map.values()
    return Model(*loaded, quotes=quotes)


def model_size(model: Path) -> int:
    return sum(f.stat().st_size for f in model.glob("*.safetensors"))


def decodes_like_plain(
    plain: LocalGenerator, drafted: LocalGenerator, prompts: list[list[Message]], tokens: int
) -> Counts:
    """Assert ``drafted`` yields ``plain``'s greedy tokens for every prompt, in no more passes; its
    counts, summed."""
    total = Counts()
    for prompt in prompts:
        ids = plain.prompt_ids(prompt)
        expected = list(plain.token_ids(ids, tokens, Counts()))
        counts = Counts()
        assert list(drafted.token_ids(ids, tokens, counts)) == expected
        assert counts.generated == len(expected) and counts.passes <= len(expected)
        total.add(counts)
    assert total.drafted > 0
    return total
