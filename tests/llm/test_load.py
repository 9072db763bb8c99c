"""load_causal_lm: local dirs, cached hub ids, and disk offload that changes nothing but placement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from deckchat.llm.base import Message
from deckchat.llm.load import load_causal_lm, safe_name
from deckchat.llm.local import LocalGenerator
from deckchat.settings import Settings

PROMPT = [Message("user", "Tell me about the slides.")]
LAYER_BYTES = 3 * 64 * 4096 * 4  # float32: one MLP's three projections dominate a layer of the tiny model
EMBED_BYTES = 49152 * 64 * 4  # the SmolLM2 vocabulary at hidden size 64


def reply(model: object, tokenizer: object) -> list[str]:
    return list(LocalGenerator(model, tokenizer, name="tiny").stream(PROMPT, max_tokens=12))


@pytest.mark.slow
def test_offloaded_model_answers_like_the_resident_one(tiny_model: Path, tmp_path: Path) -> None:
    options = Settings(home=tmp_path / "home").llm_options
    expected = reply(*load_causal_lm(tiny_model, dtype=torch.float32))
    # Room for the embedding and a layer or two: accelerate spills the other layers to "disk".
    budget = EMBED_BYTES + LAYER_BYTES * 5 // 2
    model, tokenizer = load_causal_lm(
        tiny_model, device_map="auto", max_memory={"cpu": budget}, dtype=torch.float32, options=options
    )
    layers = {name: where for name, where in model.hf_device_map.items() if name.startswith("model.layers.")}
    assert model.hf_device_map["model.embed_tokens"] == "cpu"
    assert {"cpu", "disk"} <= set(layers.values()), model.hf_device_map
    assert (options.offload_root / safe_name(tiny_model)).is_dir()
    assert reply(model, tokenizer) == expected
    assert len(set(expected)) > 3  # a real sequence, not one token repeated


@pytest.mark.slow
def test_model_id_from_the_local_hub_cache(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = cache / "models--deckchat-tests--tiny-llama"
    shutil.copytree(tiny_model, repo / "snapshots" / revision)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    assert reply(*load_causal_lm("deckchat-tests/tiny-llama")) == reply(*load_causal_lm(tiny_model))


def test_safe_names_are_folder_names_and_unique() -> None:
    a, b = safe_name("/models/a/model"), safe_name("/models/b/model")
    assert a != b
    assert a.startswith("model-")
    assert safe_name("org/My Model:v2").startswith("My-Model-v2-")


@pytest.mark.slow
def test_hf_generator_takes_the_big_model_options_and_refuses_what_cannot_fit(
    tiny_model: Path, tmp_path: Path
) -> None:
    from deckchat.core.errors import DeckchatError
    from deckchat.llm.registry import make_generator

    too_small = Settings(home=tmp_path / "home", llm_max_memory="cpu=1MiB,disk=1MiB", llm_dtype="float32")
    with pytest.raises(DeckchatError, match=r"needs \d+\.\d GB; CPU\+disk budget is 0\.0 GB") as caught:
        make_generator(f"hf:{tiny_model}", too_small.llm_options)
    assert caught.value.code == "model_too_big"
    assert not (tmp_path / "home" / "offload").exists()  # refused before anything was loaded

    budget = EMBED_BYTES + LAYER_BYTES * 5 // 2
    folder = tmp_path / "offload-here"
    tight = Settings(
        home=tmp_path / "home", llm_max_memory=f"cpu={budget}", llm_dtype="float32", llm_offload_folder=folder
    )
    generator = make_generator(f"hf:{tiny_model}", tight.llm_options)
    assert isinstance(generator, LocalGenerator) and folder.is_dir()  # the offload folder given
    assert "disk" in set(generator.model.hf_device_map.values())  # layers beyond the budget
    expected = reply(*load_causal_lm(tiny_model, dtype=torch.float32))
    assert list(generator.stream(PROMPT, max_tokens=12)) == expected
