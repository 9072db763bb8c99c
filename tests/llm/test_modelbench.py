"""The offload benchmark: one run per executor on the same model and budget, and the report's figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from deckchat.llm.base import Message
from deckchat.llm.local import prompt_ids
from deckchat.llm.modelbench import MODES, Report, Run, modes_for, of_floor, run_one
from deckchat.llm.synthetic import write_random_model
from tests.llm import tiny


def run(mode: str, tokens_per_second: float, tokens: list[int], passes: float = 1.0) -> Run:
    return Run(mode, 1.0, 0.5, tokens_per_second, 2**30, 0, 1e6, {"lm_head": "disk"}, tokens, passes, 0.5)


def test_the_report_gives_each_run_its_share_of_the_floor() -> None:
    report = Report([run("prefetch", 8.0, [1, 2]), run("accelerate", 0.0, [1, 2])], 0.1, 0.0, True)
    rows = report.as_json()["runs"]
    assert [row["of_floor"] for row in rows] == [pytest.approx(0.8), 0.0]  # a run that made no tokens
    assert rows[0]["placement"] == {"lm_head": "disk"} and report.as_json()["identical"] is True
    assert of_floor(0.25, run("prefetch", 2.0, [])) == 0.5


def test_the_report_compares_each_mode_with_the_first() -> None:
    runs = [run("accelerate", 2.0, [1]), run("prefetch", 3.0, [1]), run("prefetch+lookup", 6.0, [1], 0.25)]
    shape = Report(runs, 0.1, 1.5, True).as_json()
    assert list(shape["modes"]) == list(modes_for(None)) and shape["identical_tokens"] is True
    lookup = shape["modes"]["prefetch+lookup"]
    assert (lookup["tokens_per_s"], lookup["vs_accelerate"], lookup["passes_per_token"]) == (6.0, 3.0, 0.25)
    assert {"bytes_per_token", "acceptance", "first_token_s", "peak_ram_bytes"} <= set(lookup)


def test_the_draft_mode_runs_only_with_a_draft_model() -> None:
    assert modes_for(None) == ("accelerate", "prefetch", "prefetch+lookup")
    assert modes_for("/models/draft") == tuple(MODES) and MODES["prefetch+draft"] == ("prefetch", "draft")


@pytest.mark.slow
def test_every_mode_decodes_the_same_tokens_from_a_model_half_on_disk(tmp_path: Path) -> None:
    model = tmp_path / "model"
    write_random_model(tiny.llama(), model, dtype=torch.float32, max_shard_size=200_000, std=0.2)
    budget = {"cpu": sum(f.stat().st_size for f in model.glob("*.safetensors")) // 2}
    runs = [
        run_one(
            str(model),
            budget,
            executor,
            tokens=4,
            prompt_tokens=8,
            dtype="float32",
            cold=True,
            scratch=tmp_path,
        )
        for executor in modes_for(None)
    ]
    assert [r.executor for r in runs] == list(modes_for(None))
    assert runs[0].tokens == runs[1].tokens == runs[2].tokens and len(runs[0].tokens) == 4
    assert runs[0].passes_per_token == 1.0 and runs[2].passes_per_token <= 1.0
    for r in runs:
        assert "disk" in r.placement.values() and r.bytes_per_token > 0 and r.tokens_per_second > 0
    assert list(tmp_path.glob("offload-*")) == []  # each run's offload folder is gone


@pytest.mark.slow
def test_an_offload_dtype_shrinks_the_prefetch_reads_and_leaves_accelerate_alone(tmp_path: Path) -> None:
    model = tmp_path / "model"
    write_random_model(tiny.llama(), model, dtype=torch.float32, max_shard_size=200_000, std=0.2)
    budget = {"cpu": sum(f.stat().st_size for f in model.glob("*.safetensors")) // 2}

    def one(mode: str, offload_dtype: str) -> Run:
        return run_one(
            str(model),
            budget,
            mode,
            tokens=4,
            prompt_tokens=8,
            dtype="float32",
            cold=True,
            scratch=tmp_path,
            offload_dtype=offload_dtype,
        )

    plain, int8 = one("prefetch", "off"), one("prefetch", "int8")
    # float32 Linear weights are read as int8 and a float32 scale per row: about a quarter.
    assert 0 < int8.bytes_per_token < plain.bytes_per_token / 2
    accelerate, accelerate_off = one("accelerate", "int8"), one("accelerate", "off")
    assert accelerate.tokens == accelerate_off.tokens == plain.tokens
    assert accelerate.bytes_per_token == accelerate_off.bytes_per_token


@pytest.mark.slow
def test_a_draft_model_decodes_the_same_tokens_in_fewer_passes(
    tiny_reader: Path, tmp_path: Path, prompts: list[list[Message]]
) -> None:
    """The target's own weights as its draft: guesses are kept, so passes per token fall below one."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_reader)
    ids = [prompt_ids(tokenizer, prompt) for prompt in prompts[:2]]
    budget = {"cpu": sum(f.stat().st_size for f in tiny_reader.glob("*.safetensors")) // 2}
    plain, drafted = (
        run_one(
            str(tiny_reader),
            budget,
            mode,
            tokens=12,
            prompt_tokens=0,
            prompts=ids,
            dtype="float32",
            cold=True,
            scratch=tmp_path,
            draft=str(tiny_reader),
        )
        for mode in ("prefetch", "prefetch+draft")
    )
    assert drafted.tokens == plain.tokens and len(plain.tokens) > 2
    assert drafted.acceptance > 0 and drafted.passes_per_token < 1.0 == plain.passes_per_token
    assert "disk" in drafted.placement.values() and drafted.bytes_per_token > 0
