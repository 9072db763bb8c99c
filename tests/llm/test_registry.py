"""``--llm SPEC`` to generator: names, caching, and the errors a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.llm.base import Message
from deckchat.llm.registry import make_generator
from deckchat.settings import LlmOptions, Settings

STORY = [Message("user", "Write a long story about a lighthouse keeper and a storm.")]
SHORT = [Message("user", "Say hello.")]


def test_extractive_is_not_a_generator(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chat layer"):
        make_generator("extractive", Settings(home=tmp_path).llm_options)


@pytest.mark.parametrize("spec", ["gpt4", "hf:", "openai:", "llama:x"])
def test_unknown_spec_lists_the_valid_ones(spec: str, tmp_path: Path) -> None:
    with pytest.raises(DeckchatError, match=r"default, hf:PATH_OR_ID") as caught:
        make_generator(spec, Settings(home=tmp_path).llm_options)
    assert caught.value.code == "llm_spec_invalid"


def test_openai_needs_a_model_name(tmp_path: Path) -> None:
    with pytest.raises(DeckchatError, match="--llm-model") as caught:
        make_generator("openai:http://127.0.0.1:9/v1", Settings(home=tmp_path).llm_options)
    assert caught.value.code == "llm_model_required"


def test_openai_generator_is_named_like_its_spec(tmp_path: Path) -> None:
    generator = make_generator(
        "openai:http://127.0.0.1:9/v1/", Settings(home=tmp_path).llm_options, model="x"
    )
    assert generator.name == "openai:http://127.0.0.1:9/v1 model=x"


@pytest.mark.parametrize("target", ["/no/such/model", "./missing-model", "nobody/not-cached-anywhere"])
def test_hf_model_that_is_not_here(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    with pytest.raises(DeckchatError, match="was not found") as caught:
        make_generator(f"hf:{target}", Settings(home=tmp_path).llm_options)
    assert caught.value.code == "model_not_found"


@pytest.mark.slow
def test_default_streams_pieces_and_stops_at_max_tokens(llm_options: LlmOptions) -> None:
    generator = make_generator("default", llm_options)
    assert generator.name == "default (SmolLM2-135M-Instruct)"
    assert make_generator("default", llm_options) is generator  # loaded once per process
    pieces = list(generator.stream(STORY, max_tokens=8))
    assert len(pieces) == 8  # English text: one piece per token
    assert all(pieces)
    assert list(generator.stream(STORY, max_tokens=8)) == pieces  # greedy, so repeatable


@pytest.mark.slow
def test_default_stops_at_end_of_turn(llm_options: LlmOptions) -> None:
    pieces = list(make_generator("default", llm_options).stream(SHORT, max_tokens=200))
    assert 0 < len(pieces) < 200
    assert "<|im_end|>" not in "".join(pieces)
