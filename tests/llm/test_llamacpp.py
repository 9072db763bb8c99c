"""llama.cpp on the embedded SmolLM2 GGUF: the baseline the speed harness measures the default against."""

from __future__ import annotations

import pytest

from deckchat.llm import smollm2
from deckchat.llm.base import Message
from deckchat.llm.llamacpp import LlamaCppGenerator

pytestmark = pytest.mark.slow


def test_streams_a_greedy_reply_and_stops_at_max_tokens() -> None:
    gguf = smollm2.gguf_path()
    generator = LlamaCppGenerator(gguf, n_ctx=512)
    try:
        assert generator.name == f"llama.cpp:{gguf.name}"
        question = [Message("user", "Write a long story about a lighthouse keeper.")]
        pieces = list(generator.stream(question, max_tokens=8))
        assert 0 < len(pieces) <= 8 and all(pieces)
        assert list(generator.stream(question, max_tokens=8)) == pieces  # temperature 0: repeatable
    finally:
        generator.close()
