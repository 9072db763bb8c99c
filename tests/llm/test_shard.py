"""Streaming shard: tiny random GPT-J and Llama models into many shards, from every kind of source,
loaded back with part of the model on disk by both offload executors; and the GGUF default model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.llm.load import load_model
from deckchat.llm.shard import INDEX, sample_indices, shard_model, verify
from deckchat.llm.sources import BinSource, GGUFSource, SafetensorsSource, open_source
from deckchat.llm.tensorfile import read_header
from deckchat.settings import Settings
from tests.llm import tiny

SHARD_BYTES = 64 * 1024  # tiny shards: dozens of files, blocks split across them


CONFIGS = {
    "gptj": lambda: tiny.gptj(n_embd=64, n_layer=4, n_inner=256),
    "llama": lambda: tiny.llama(hidden_size=64, intermediate_size=256, num_hidden_layers=4),
}
PROMPT = torch.tensor([[5, 17, 99, 3, 250, 31, 7, 400]])


def random_model(kind: str) -> Any:
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(CONFIGS[kind]()).eval()
    return model


def save(model: Any, folder: Path, serialization: str) -> None:
    """safetensors through save_pretrained; or PyTorch pickles in two shards with their index, as
    older checkpoints come (transformers no longer writes them)."""
    if serialization == "safetensors":
        model.save_pretrained(folder)
        return
    folder.mkdir(parents=True)
    model.config.save_pretrained(folder)
    state = model.state_dict()
    names = list(state)
    halves = {"pytorch_model-00001-of-00002.bin": names[: len(names) // 2]}
    halves["pytorch_model-00002-of-00002.bin"] = names[len(names) // 2 :]
    for file, part in halves.items():
        torch.save({n: state[n] for n in part}, folder / file)
    weight_map = {n: file for file, part in halves.items() for n in part}
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps({"weight_map": weight_map}))


def logits(model: Any) -> torch.Tensor:
    with torch.inference_mode():
        return model(input_ids=PROMPT).logits.float()


def block_bytes(model: Any) -> int:
    blocks = model.transformer.h if hasattr(model, "transformer") else model.model.layers
    return sum(p.numel() * p.element_size() for p in blocks[0].parameters())


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gptj", "llama"])
@pytest.mark.parametrize("serialization", ["safetensors", "bin"])
def test_sharded_model_loads_with_disk_offload_and_gives_the_same_logits(
    kind: str, serialization: str, tmp_path: Path
) -> None:
    model = random_model(kind)
    expected = logits(model)
    src = tmp_path / "src"
    save(model, src, serialization)
    source = open_source(str(src))
    assert isinstance(source, SafetensorsSource if serialization == "safetensors" else BinSource)

    out = tmp_path / "sharded"
    done = shard_model(source, out, max_shard_size=SHARD_BYTES, dtype=torch.float32)
    assert done.shards >= 10 and done.shards == len(list(out.glob("model-*-of-*.safetensors")))
    assert done.verified.tensors == done.tensors == len(json.loads((out / INDEX).read_text())["weight_map"])
    for file in out.glob("*.safetensors"):  # a tensor bigger than the limit gets a shard alone
        tensors = read_header(file).values()
        assert sum(t.nbytes for t in tensors) <= SHARD_BYTES or len(tensors) == 1
    assert (out / "config.json").is_file() and (out / "generation_config.json").is_file()

    plain = load_model(out, dtype=torch.float32)
    assert torch.equal(logits(plain), expected)  # float32 in, float32 out: bit for bit

    # Room for about two blocks: the rest of the blocks (and the head) go to disk.
    budget = {"cpu": 2 * block_bytes(model) + model.get_input_embeddings().weight.nbytes}
    for executor in ("accelerate", "prefetch"):
        offloaded = load_model(
            out,
            device_map="auto",
            max_memory=budget,
            offload_folder=tmp_path / f"offload-{executor}",
            dtype=torch.float32,
            options=Settings(home=tmp_path / "home").llm_options,
            executor=executor,
        )
        assert "disk" in set(offloaded.hf_device_map.values()), offloaded.hf_device_map
        torch.testing.assert_close(logits(offloaded), expected, rtol=0, atol=0)


@pytest.mark.slow
def test_casting_to_float16_halves_the_floats_and_keeps_integers(tmp_path: Path) -> None:
    model = random_model("llama")
    model.register_buffer("step_ids", torch.arange(6, dtype=torch.int64), persistent=True)
    model.save_pretrained(tmp_path / "src")
    out = tmp_path / "half"
    done = shard_model(
        open_source(str(tmp_path / "src")), out, max_shard_size=SHARD_BYTES, dtype=torch.float16
    )
    headers = {n: i for f in out.glob("*.safetensors") for n, i in read_header(f).items()}
    assert headers["step_ids"].dtype == torch.int64
    assert {i.dtype for n, i in headers.items() if n != "step_ids"} == {torch.float16}
    assert done.total_bytes == sum(i.nbytes for i in headers.values())
    assert json.loads((out / "config.json").read_text())["dtype"] == "float16"
    half = load_model(out, dtype=torch.float16)
    torch.testing.assert_close(logits(half), logits(model), rtol=0.02, atol=0.02)


def test_verification_catches_a_changed_value(tmp_path: Path) -> None:
    model = random_model("gptj")
    model.save_pretrained(tmp_path / "src")
    source = open_source(str(tmp_path / "src"))
    out = tmp_path / "out"
    shard_model(source, out, max_shard_size=SHARD_BYTES, dtype=None)
    name, info, file = next(
        (n, i, f)
        for f in sorted(out.glob("*.safetensors"))
        for n, i in read_header(f).items()
        if i.nbytes > 1024
    )
    offset = info.start + sample_indices(info.shape)[3] * info.dtype.itemsize
    with file.open("r+b") as handle:  # corrupt exactly one sampled value
        handle.seek(offset)
        raw = handle.read(4)
        handle.seek(offset)
        handle.write(bytes(b ^ 0xFF for b in raw))
    with pytest.raises(DeckchatError, match=f"sampled values of {name} differ") as caught:
        verify(source, out, None)
    assert caught.value.code == "shard_mismatch"


def test_refuses_a_non_empty_output_and_a_folder_without_weights(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="holds no model weights") as caught:
        open_source(str(tmp_path / "empty"))
    assert caught.value.code == "no_weights"
    random_model("gptj").save_pretrained(tmp_path / "src")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInput, match="already exists") as refused:
        shard_model(open_source(str(tmp_path / "src")), taken, max_shard_size=SHARD_BYTES, dtype=None)
    assert refused.value.code == "out_exists" and (taken / "keep.txt").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp dir left


@pytest.mark.slow
def test_a_model_id_from_the_local_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    revision = "89abcdef0123456789abcdef0123456789abcdef"
    repo = tmp_path / "hf-cache" / "models--deckchat-tests--tiny-gptj"
    save(random_model("gptj"), repo / "snapshots" / revision, "bin")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    source = open_source("deckchat-tests/tiny-gptj")
    assert isinstance(source, BinSource)
    done = shard_model(source, tmp_path / "out", max_shard_size=SHARD_BYTES, dtype=None)
    assert done.verified.tensors == len(source.entries()) > 30


@pytest.mark.slow
def test_the_gguf_default_model_shards_to_the_same_greedy_output(converted: Path, tmp_path: Path) -> None:
    """The embedded SmolLM2 GGUF, sharded by us, decodes exactly like the GGUF loaded by transformers."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from deckchat.llm import smollm2

    gguf = smollm2.gguf_path()
    source = open_source(str(gguf))
    assert isinstance(source, GGUFSource)
    out = tmp_path / "smollm2-sharded"
    done = shard_model(source, out, max_shard_size=20_000_000, dtype=None)
    assert done.shards >= 10 and done.has_tokenizer

    direct = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(out)
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is the capital of France?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )["input_ids"]

    def greedy(model: Any) -> list[int]:
        with torch.inference_mode():
            result = model.generate(
                input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=24, do_sample=False
            )
        return [int(t) for t in result[0, ids.shape[1] :]]

    expected = greedy(direct.eval())
    assert len(set(expected)) > 5
    assert greedy(load_model(out, dtype=torch.float32)) == expected
    del direct
    shutil.rmtree(out)
