"""Random-weight models of any shape, written straight to shards.

Benchmarks and memory tests need models bigger than the RAM they are allowed, and nothing may be
downloaded: this builds the model's layout from its config with empty weights, then writes each
tensor as it is generated, so even a GPT-J-6B-shaped model never has to fit in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from deckchat.llm.shard import write_shards
from deckchat.llm.sources import Entry
from deckchat.llm.tensorfile import nbytes

# Small enough that activations stay finite through many random layers.
STD = 0.02


def write_random_model(
    config: Any,
    out: Path,
    *,
    dtype: torch.dtype = torch.float16,
    max_shard_size: int = 4 * 10**9,
    seed: int = 0,
    std: float = STD,
) -> int:
    """Write a random model of ``config``'s shape to ``out``, a directory ``from_pretrained`` loads;
    returns its size in bytes. A larger ``std`` makes greedy output vary from token to token."""
    from accelerate import init_empty_weights
    from transformers import AutoModelForCausalLM, GenerationConfig

    with init_empty_weights():
        model = AutoModelForCausalLM.from_config(config)  # type: ignore[no-untyped-call]
    tied = set(getattr(model, "all_tied_weights_keys", None) or {})
    layout = [
        Entry(name, dtype if tensor.is_floating_point() else tensor.dtype, tuple(tensor.shape))
        for name, tensor in model.state_dict().items()
        if name not in tied
    ]
    generator = torch.Generator().manual_seed(seed)
    out.mkdir(parents=True, exist_ok=True)
    by_name = {e.name: e for e in layout}
    write_shards(out, layout, lambda name: _random(by_name[name], generator, std), max_shard_size)
    config.architectures = [type(model).__name__]
    config.dtype = dtype
    config.save_pretrained(out)
    GenerationConfig.from_model_config(config).save_pretrained(out)
    return sum(nbytes(e.dtype, e.shape) for e in layout)


def _random(entry: Entry, generator: torch.Generator, std: float) -> torch.Tensor:
    if not entry.dtype.is_floating_point:
        return torch.zeros(entry.shape, dtype=entry.dtype)
    if "norm" in entry.name or ".ln" in entry.name:  # unit scales, zero shifts keep activations alive
        make = torch.zeros if entry.name.endswith(".bias") else torch.ones
        return make(entry.shape, dtype=entry.dtype)
    return (torch.randn(entry.shape, generator=generator) * std).to(entry.dtype)
