"""Prompt-lookup decoding: plain greedy decoding's tokens, token for token, in fewer passes, on deck
QA prompts built as the chat builds them, for a model held in RAM and one half read from disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from deckchat.llm.base import Message
from deckchat.llm.decode import Counts, NgramIndex
from deckchat.llm.draft import load_draft
from deckchat.llm.load import load_causal_lm
from deckchat.llm.prefetch import offload_hooks
from deckchat.llm.registry import uses_lookup
from deckchat.settings import Settings
from tests.llm.targets import Model, decodes_like_plain, load_target, model_size

TOKENS = 48


def test_drafts_follow_the_latest_earlier_run() -> None:
    index = NgramIndex([5, 6, 7, 8, 1, 5, 6, 9, 4, 5, 6])
    assert index.propose(3) == [9, 4, 5]  # (5, 6) came before 7 8 1, and later before 9 4 5
    index.append(2)
    assert index.propose(4) == []  # 2 never came before
    index.append(6)
    assert index.propose(3) == [2, 6]  # only (6,) matches; latest, it came before 2
    assert index.propose(0) == []


def test_longer_runs_are_matched_first() -> None:
    index = NgramIndex([1, 2, 3, 9, 2, 3, 7, 1, 2, 3])
    assert index.propose(3) == [9, 2, 3]  # (1, 2, 3) beats the later (2, 3)


def test_counts_give_passes_per_token_and_acceptance() -> None:
    counts = Counts(passes=4, generated=10, drafted=12, accepted=6)
    assert (counts.passes_per_token, counts.acceptance) == (0.4, 0.5)
    assert (Counts().passes_per_token, Counts().acceptance) == (0.0, 0.0)


@pytest.fixture(scope="module", params=["tiny in RAM", "tiny half on disk", "SmolLM2 half on disk"])
def model(request: pytest.FixtureRequest, tiny_reader: Path, converted: Path, tmp_path_factory: Any) -> Model:
    """A random model drafts are mostly wrong for, and the embedded model, which quotes its evidence."""
    return load_target(request.param, tiny_reader, converted, tmp_path_factory)


@pytest.fixture(scope="module", params=["tiny in RAM", "tiny half on disk"])
def tiny(request: pytest.FixtureRequest, tiny_reader: Path, converted: Path, tmp_path_factory: Any) -> Model:
    return load_target(request.param, tiny_reader, converted, tmp_path_factory)


@pytest.mark.slow
def test_lookup_decodes_plain_greedy_tokens(model: Model, prompts: list[list[Message]]) -> None:
    total = decodes_like_plain(model.generator(), model.generator(lookup=True), prompts, TOKENS)
    if model.quotes:
        assert total.accepted > 0 and total.passes < total.generated  # drafts were kept, passes saved


@pytest.mark.slow
def test_short_budgets_end_where_plain_decoding_ends(tiny: Model, prompts: list[list[Message]]) -> None:
    plain, drafted = (tiny.generator(lookup=on) for on in (False, True))
    ids = plain.prompt_ids(prompts[0])
    for budget in (1, 2, 3, 11, 12):
        assert list(drafted.token_ids(ids, budget, Counts())) == list(plain.token_ids(ids, budget, Counts()))


@pytest.mark.slow
@pytest.mark.parametrize("drafts", ["lookup", "draft model"])
def test_the_stream_only_grows(
    tiny: Model, drafts: str, tiny_reader: Path, prompts: list[list[Message]]
) -> None:
    plain = tiny.generator()
    if drafts == "lookup":
        drafted = tiny.generator(lookup=True)
    else:  # the target's own weights in RAM as the draft: long accepted runs, streamed as verified
        drafted = tiny.generator(draft=load_draft(tiny_reader, tiny.tokenizer))
    for prompt in prompts[:2]:
        final = "".join(plain.stream(prompt, max_tokens=TOKENS))
        shown = list(_prefixes(drafted.stream(prompt, max_tokens=TOKENS)))
        assert all(final.startswith(text) for text in shown)  # nothing shown is taken back
        assert shown[-1] == final


@pytest.mark.slow
def test_lookup_is_on_by_default_only_for_offloaded_float32_models(tiny_reader: Path, tmp_path: Path) -> None:
    def load(dtype: torch.dtype, offload: bool) -> Any:
        placement: dict[str, Any] = {}
        if offload:
            placement = {
                "device_map": "auto",
                "max_memory": {"cpu": model_size(tiny_reader) // 4},
                "offload_folder": tmp_path / "offload",
                "options": Settings(home=tmp_path).llm_options,
            }
        return load_causal_lm(tiny_reader, dtype=dtype, **placement)[0]

    offloaded, resident = load(torch.float32, True), load(torch.float32, False)
    assert offload_hooks(offloaded) and not offload_hooks(resident)
    assert [uses_lookup(mode, offloaded) for mode in ("auto", "on", "off")] == [True, True, False]
    assert [uses_lookup(mode, resident) for mode in ("auto", "on", "off")] == [False, True, False]
    assert uses_lookup("auto", load(torch.bfloat16, True)) is False


def _prefixes(pieces: Iterator[str]) -> Iterator[str]:
    text = ""
    for piece in pieces:
        text += piece
        yield text
