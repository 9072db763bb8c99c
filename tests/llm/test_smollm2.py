"""The embedded default: the GGUF converted once into a sharded safetensors model."""

from __future__ import annotations

import json
import types
from itertools import islice
from pathlib import Path

import pytest

from deckchat.llm import smollm2
from deckchat.llm.base import Message
from deckchat.llm.load import load_causal_lm
from deckchat.llm.local import LocalGenerator
from deckchat.settings import LlmOptions

pytestmark = pytest.mark.slow

QUESTION = [
    Message("system", "Answer from the slides. [Slide 1] Revenue grew 12% to $4.2M in Q3."),
    Message("user", "How much did revenue grow in Q3?"),
]


def test_converted_dir_is_a_sharded_transformers_model(converted: Path) -> None:
    shards = sorted(converted.glob("model-*-of-*.safetensors"))
    assert len(shards) > 1
    index = json.loads((converted / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"].values()) == {shard.name for shard in shards}
    for name in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        assert (converted / name).is_file(), name
    config = json.loads((converted / "config.json").read_text())
    assert "quantization_config" not in config  # a plain model, not a GGUF wrapper
    leftovers = [p.name for p in converted.parent.iterdir() if p.name.startswith(".smollm2")]
    assert leftovers == [".smollm2-135m-instruct.lock"]  # no half-written temp dirs


def test_second_call_reuses_the_conversion(llm_options: LlmOptions, converted: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in converted.iterdir()}
    assert smollm2.ensure_converted(llm_options) == converted
    assert {p.name: p.stat().st_mtime_ns for p in converted.iterdir()} == before


def test_converted_model_answers_exactly_like_the_gguf(converted: Path) -> None:
    gguf_model, gguf_tokenizer = smollm2.load_gguf(smollm2.gguf_path())
    model, tokenizer = load_causal_lm(converted, dtype=gguf_model.dtype)  # float32: exact weights
    ours = LocalGenerator(model, tokenizer, name="converted")
    theirs = LocalGenerator(gguf_model, gguf_tokenizer, name="gguf")
    assert ours.prompt_ids(QUESTION) == theirs.prompt_ids(QUESTION)
    reply = "".join(ours.stream(QUESTION, max_tokens=24))
    assert reply == "".join(theirs.stream(QUESTION, max_tokens=24))
    assert "12" in reply


def test_stream_can_stop_early(converted: Path) -> None:
    model, tokenizer = load_causal_lm(converted)
    generator = LocalGenerator(model, tokenizer, name="converted")
    stream = generator.stream(QUESTION, max_tokens=50)
    assert isinstance(stream, types.GeneratorType)
    first = list(islice(stream, 2))
    stream.close()  # ends the decoding loop; nothing keeps running
    assert len(first) == 2
    assert "".join(generator.stream(QUESTION, max_tokens=50)).startswith("".join(first))
