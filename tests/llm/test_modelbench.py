"""The offload benchmark: one run per executor on the same model and budget, and the report's figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from deckchat.llm.modelbench import Report, Run, of_floor, run_one
from deckchat.llm.prefetch import EXECUTORS
from deckchat.llm.synthetic import write_random_model
from tests.llm import tiny


def run(executor: str, tokens_per_second: float, tokens: list[int]) -> Run:
    return Run(executor, 1.0, 0.5, tokens_per_second, 2**30, 0, 1e6, {"lm_head": "disk"}, tokens)


def test_the_report_gives_each_run_its_share_of_the_floor() -> None:
    report = Report([run("prefetch", 8.0, [1, 2]), run("accelerate", 0.0, [1, 2])], 0.1, 0.0, True)
    rows = report.as_json()["runs"]
    assert [row["of_floor"] for row in rows] == [pytest.approx(0.8), 0.0]  # a run that made no tokens
    assert rows[0]["placement"] == {"lm_head": "disk"} and report.as_json()["identical"] is True
    assert of_floor(0.25, run("prefetch", 2.0, [])) == 0.5


@pytest.mark.slow
def test_both_executors_decode_the_same_tokens_from_a_model_half_on_disk(tmp_path: Path) -> None:
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
        for executor in EXECUTORS
    ]
    assert [r.executor for r in runs] == list(EXECUTORS)
    assert runs[0].tokens == runs[1].tokens and len(runs[0].tokens) == 4
    for r in runs:
        assert "disk" in r.placement.values() and r.bytes_per_token > 0 and r.tokens_per_second > 0
    assert list(tmp_path.glob("offload-*")) == []  # each run's offload folder is gone
