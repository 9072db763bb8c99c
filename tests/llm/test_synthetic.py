"""Random-weight models written straight to shards, loadable as the real architecture."""

from __future__ import annotations

from pathlib import Path

import torch

from deckchat.llm.load import load_model
from deckchat.llm.sources import open_source
from deckchat.llm.synthetic import STD, write_random_model
from tests.llm import tiny


def test_a_random_llama_is_written_in_shards_and_loads(tmp_path: Path) -> None:
    out = tmp_path / "llama"
    size = write_random_model(tiny.llama(), out, dtype=torch.float16, max_shard_size=300_000)
    assert len(list(out.glob("*.safetensors"))) > 3 and (out / "generation_config.json").is_file()
    source = open_source(out)
    assert size == sum(e.dtype.itemsize * torch.Size(e.shape).numel() for e in source.entries())
    assert {e.dtype for e in source.entries()} == {torch.float16}
    assert torch.equal(source.tensor("model.norm.weight"), torch.ones(128, dtype=torch.float16))
    weight = source.tensor("model.layers.0.mlp.up_proj.weight").float()
    assert abs(weight.std().item() - STD) < 0.002
    model = load_model(out, dtype=torch.float16)
    assert type(model).__name__ == "LlamaForCausalLM"
    assert torch.equal(model.state_dict()["model.norm.weight"], source.tensor("model.norm.weight"))


def test_the_seed_decides_the_weights(tmp_path: Path) -> None:
    def weight(seed: int, name: str) -> torch.Tensor:
        out = tmp_path / f"seed-{seed}-{name}"
        write_random_model(tiny.gptj(n_layer=1), out, seed=seed)
        return open_source(out).tensor("transformer.h.0.mlp.fc_in.weight")

    assert torch.equal(weight(1, "a"), weight(1, "b")) and not torch.equal(weight(1, "a"), weight(2, "a"))
