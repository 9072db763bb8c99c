"""LocalGenerator: context limits, text pieces, and sharing one model between streams."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.llm.base import Message
from deckchat.llm.load import load_causal_lm
from deckchat.llm.local import LocalGenerator
from deckchat.llm.registry import make_generator
from deckchat.settings import LlmOptions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny(tiny_model: Path) -> LocalGenerator:
    return LocalGenerator(*load_causal_lm(tiny_model), name="tiny")  # reads at most 512 tokens


def words(n: int) -> list[Message]:
    return [Message("user", " ".join(["slide"] * n))]


def test_prompt_longer_than_the_model_reads(tiny: LocalGenerator) -> None:
    with pytest.raises(DeckchatError, match="reads at most 512") as caught:
        next(tiny.stream(words(600)))
    assert (caught.value.code, caught.value.status) == ("prompt_too_long", 413)


def test_reply_is_cut_where_the_context_ends(tiny: LocalGenerator) -> None:
    prompt_len = len(tiny.prompt_ids(words(450)))
    assert prompt_len + 100 > 512
    assert len(list(tiny.stream(words(450), max_tokens=100))) <= 512 - prompt_len


def test_pieces_join_to_the_decoded_reply(tiny: LocalGenerator) -> None:
    # Pieces are differences of decodes, so spaces and multi-byte characters survive the split.
    pieces = list(tiny.stream(words(3), max_tokens=40))
    ids = tiny.tokenizer("".join(pieces), add_special_tokens=False)["input_ids"]
    assert tiny.tokenizer.decode(ids) == "".join(pieces)
    assert all(pieces)


def test_concurrent_streams_share_one_model(llm_options: LlmOptions) -> None:
    generator = make_generator("default", llm_options)
    question = [Message("user", "What is a slide deck?")]
    expected = list(generator.stream(question, max_tokens=12))
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(list(generator.stream(question, max_tokens=12))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected, expected]
