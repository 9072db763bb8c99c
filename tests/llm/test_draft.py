"""A resident draft model: plain greedy decoding's tokens, token for token, in fewer passes, on deck
QA prompts built as the chat builds them, for a target held in RAM and one half read from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from deckchat.core.errors import DeckchatError
from deckchat.llm.base import Message
from deckchat.llm.decode import DRAFTS, Counts
from deckchat.llm.draft import (
    FIRST_LENGTH,
    GROW,
    SHRINK,
    DraftModel,
    draft_source,
    load_draft,
    truncated_copy,
)
from deckchat.llm.load import load_model
from deckchat.llm.local import prompt_ids
from deckchat.llm.registry import clear_cache, make_generator
from deckchat.settings import LlmOptions, Settings
from tests.llm.targets import Model, decodes_like_plain, load_target
from tests.llm.tiny import word_tokenizer

TOKENS = 48


@pytest.fixture(scope="module")
def first_layers(tiny_reader: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny target's first two blocks: a draft that shares its embedding and head."""
    return truncated_copy(tiny_reader, 2, tmp_path_factory.mktemp("tiny-first-layers"))


@pytest.fixture(scope="module")
def smol_first_layers(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SmolLM2's first 8 of 30 blocks: the draft docs/models.md measured."""
    return truncated_copy(converted, 8, tmp_path_factory.mktemp("smol-first-layers"))


@pytest.fixture(scope="module", params=["tiny in RAM", "tiny half on disk"])
def tiny(request: pytest.FixtureRequest, tiny_reader: Path, converted: Path, tmp_path_factory: Any) -> Model:
    return load_target(request.param, tiny_reader, converted, tmp_path_factory)


@pytest.fixture(scope="module")
def other_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model directory with a word-level tokenizer of its own: not the target's vocabulary."""
    from transformers import LlamaConfig, LlamaForCausalLM

    out = word_tokenizer(tmp_path_factory.mktemp("other-tokenizer"), ["the", "slide", "says"])
    config = LlamaConfig(
        vocab_size=4, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2
    )
    LlamaForCausalLM(config).save_pretrained(out)
    return out


def _decodes_plain_greedy_tokens(target: Model, draft: Path, prompts: list[list[Message]]) -> Counts:
    drafted = target.generator(draft=load_draft(draft, target.tokenizer))
    return decodes_like_plain(target.generator(), drafted, prompts, TOKENS)


@pytest.mark.slow
@pytest.mark.parametrize("draft", ["smaller random model", "first layers"])
def test_a_draft_model_decodes_plain_greedy_tokens(
    tiny: Model, draft: str, tiny_draft: Path, first_layers: Path, prompts: list[list[Message]]
) -> None:
    _decodes_plain_greedy_tokens(tiny, tiny_draft if draft.startswith("smaller") else first_layers, prompts)


@pytest.mark.slow
def test_smollm2_half_on_disk_with_its_first_layers_as_draft(
    tiny_reader: Path,
    converted: Path,
    smol_first_layers: Path,
    prompts: list[list[Message]],
    tmp_path_factory: Any,
) -> None:
    target = load_target("SmolLM2 half on disk", tiny_reader, converted, tmp_path_factory)
    total = _decodes_plain_greedy_tokens(target, smol_first_layers, prompts[:3])
    assert total.accepted > 0 and total.passes < total.generated  # guesses were kept, passes saved


@pytest.mark.slow
def test_short_budgets_end_where_plain_decoding_ends(
    tiny: Model, tiny_reader: Path, prompts: list[list[Message]]
) -> None:
    plain, drafted = tiny.generator(), tiny.generator(draft=load_draft(tiny_reader, tiny.tokenizer))
    ids = plain.prompt_ids(prompts[0])
    for budget in (1, 2, 3, 11, 12):
        assert list(drafted.token_ids(ids, budget, Counts())) == list(plain.token_ids(ids, budget, Counts()))


@pytest.mark.slow
def test_the_draft_length_grows_on_full_acceptance_and_shrinks_on_rejection(
    tiny_draft: Path, converted: Path, prompts: list[list[Message]]
) -> None:
    # float32, not load_draft's int8: int8 scales activations per pass, so a fresh pass over the whole
    # sequence may round differently from the cached one, and this compares the two.
    draft = DraftModel(load_model(tiny_draft, dtype=torch.float32), name="draft")
    ids = prompt_ids(_tokenizer(converted), prompts[0])
    drafter = draft.drafter(ids)
    first = drafter.propose(DRAFTS)
    assert len(first) == FIRST_LENGTH
    for token in [*first, 7]:  # all kept, then the target's own token
        drafter.append(token)
    second = drafter.propose(DRAFTS)
    assert len(second) == FIRST_LENGTH + GROW
    rejected = (second[0] + 1) % 100
    drafter.append(rejected)  # the first guess was wrong
    third = drafter.propose(DRAFTS)
    assert len(third) == FIRST_LENGTH + GROW - SHRINK
    # Its cache was cut back to the sequence: a fresh drafter on the same tokens guesses the same.
    fresh = draft.drafter([*ids, *first, 7, rejected])
    fresh.length = drafter.length
    assert fresh.propose(DRAFTS) == third
    assert len(drafter.propose(2)) == 2 and drafter.propose(0) == []


@pytest.mark.slow
def test_a_draft_with_another_tokenizer_is_refused(
    other_tokenizer: Path, tiny_reader: Path, converted: Path, tmp_path: Path
) -> None:
    with pytest.raises(DeckchatError) as refused:
        load_draft(other_tokenizer, _tokenizer(converted))
    assert refused.value.code == "draft_tokenizer_mismatch"
    options = Settings(home=tmp_path, llm_draft=str(other_tokenizer), llm_max_memory="cpu=4GiB").llm_options
    clear_cache()
    with pytest.raises(DeckchatError) as refused:
        make_generator(f"hf:{tiny_reader}", options)
    assert refused.value.code == "draft_tokenizer_mismatch"


@pytest.mark.slow
def test_the_setting_gives_an_hf_generator_its_draft(
    tiny_draft: Path, tiny_reader: Path, tmp_path: Path
) -> None:
    options = Settings(home=tmp_path, llm_draft=f"hf:{tiny_draft}", llm_max_memory="cpu=4GiB").llm_options
    clear_cache()
    generator = make_generator(f"hf:{tiny_reader}", options)
    assert generator.draft is not None and generator.draft.name == tiny_draft.name  # type: ignore[attr-defined]
    clear_cache()


def test_draft_sources(llm_options: LlmOptions, tiny_draft: Path, converted: Path) -> None:
    assert draft_source("smollm2", llm_options) == converted
    assert (
        draft_source(f"hf:{tiny_draft}", llm_options)
        == draft_source(str(tiny_draft), llm_options)
        == tiny_draft
    )
    with pytest.raises(DeckchatError) as missing:
        draft_source("hf:/no/such/draft", llm_options)
    assert missing.value.code == "model_not_found"


def _tokenizer(folder: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder, local_files_only=True)
