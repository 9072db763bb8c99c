"""Shared fixtures for the generator tests: one converted default model per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from deckchat.chat.qa_prompts import qa_prompts
from deckchat.llm.base import Message
from deckchat.settings import LlmOptions, Settings

# Belt and braces: every load already passes local_files_only; this keeps anything else offline too.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CONVERT = (
    "from deckchat.llm import smollm2; from deckchat.settings import Settings; "
    "print(smollm2.ensure_converted(Settings().llm_options))"
)


@pytest.fixture(scope="session")
def llm_options(tmp_path_factory: pytest.TempPathFactory) -> LlmOptions:
    """A home with the default model converted, by two processes racing for it: without the lock
    the second rename would fail and one of them would exit non-zero. A killed conversion's temp
    dir is lying there too; the winner clears it."""
    home = tmp_path_factory.mktemp("llm-home")
    (home / "models" / ".smollm2-135m-instruct-killed").mkdir(parents=True)
    env = {**os.environ, "DECKCHAT_HOME": str(home)}
    racers = [
        subprocess.Popen([sys.executable, "-c", CONVERT], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=300)[0].strip() for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0]
    assert outputs[0] == outputs[1] == str(home / "models" / "smollm2-135m-instruct")
    return Settings(home=home).llm_options


@pytest.fixture(scope="session")
def converted(llm_options: LlmOptions) -> Path:
    from deckchat.llm import smollm2

    return smollm2.converted_dir(llm_options)


@pytest.fixture(scope="session")
def tiny_model(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 4-layer Llama with the SmolLM2 tokenizer that reads at most 512 tokens."""
    return _tiny_llama(converted, tmp_path_factory.mktemp("tiny-llama"), context=512)


@pytest.fixture(scope="session")
def tiny_reader(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, reading 2,048 tokens: room for a deck QA prompt (four evidence blocks)."""
    return _tiny_llama(converted, tmp_path_factory.mktemp("tiny-reader"), context=2048)


@pytest.fixture(scope="session")
def tiny_draft(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smaller random Llama with the same tokenizer: a draft model for ``tiny_reader``."""
    return _tiny_llama(
        converted, tmp_path_factory.mktemp("tiny-draft"), context=2048, layers=2, intermediate=256, seed=1
    )


def _tiny_llama(
    converted: Path, out: Path, *, context: int, layers: int = 4, intermediate: int = 4096, seed: int = 0
) -> Path:
    """Big MLPs and a small hidden size, so layers (not only the embedding) are worth offloading."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(converted)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=intermediate,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=context,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=True,
        initializer_range=0.2,  # wide enough that greedy output varies instead of one repeated token
    )
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def prompts(decks_dir: Path) -> list[list[Message]]:
    """Deck QA prompts built as the chat builds them, about two decks, one in Spanish: evidence in
    more than one language and tokenizer path."""
    english = qa_prompts(decks_dir / "qa.jsonl", decks_dir, limit=3)
    spanish = qa_prompts(decks_dir / "qa.jsonl", decks_dir, decks={_SPANISH}, limit=2)
    return english + spanish


_SPANISH = "ms-workshop-intro-regression-r-tidymodels-es.pptx"
