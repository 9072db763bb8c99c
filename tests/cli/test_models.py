"""`deckchat model shard` and `deckchat model bench`, run as real processes on a tiny random model, and
the dtype a benchmark runs in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from deckchat.cli.models import stored_dtype
from tests.live import cli
from tests.llm import tiny


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from deckchat.llm.synthetic import write_random_model

    out = tmp_path_factory.mktemp("tiny-gptj")
    write_random_model(tiny.gptj(), out, dtype=torch.float32, max_shard_size=10**9)
    return out


@pytest.mark.slow
def test_shard_prints_what_it_wrote_and_verified(model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sharded"
    args = ("model", "shard", str(model_dir), str(out), "--max-shard-size", "200KB")
    done = cli(tmp_path / "home", *args)
    assert done.returncode == 0, done.stderr
    wrote, verified = done.stdout.strip().splitlines()
    shards = len(list(out.glob("model-*.safetensors")))
    assert wrote.startswith("wrote ") and f"in {shards} shards: {out}" in wrote and shards >= 4
    assert verified.startswith(f"verified: {wrote.split()[1]} tensors in {shards} shards")
    assert json.loads((out / "config.json").read_text())["dtype"] == "float16"
    assert "has no tokenizer" in done.stderr  # said, not hidden: chatting needs one

    again = cli(tmp_path / "home", "model", "shard", str(model_dir), str(out))
    assert again.returncode == 1 and again.stderr.strip().endswith("[out_exists]")
    bad = cli(tmp_path / "home", "model", "shard", str(model_dir), str(tmp_path / "x"), "--dtype", "int3")
    assert bad.returncode == 1 and "--dtype must be one of" in bad.stderr


@pytest.mark.slow
def test_bench_compares_every_mode_on_the_same_offloaded_model(model_dir: Path, tmp_path: Path) -> None:
    size = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    done = cli(
        tmp_path / "home",
        "model",
        "bench",
        str(model_dir),
        "--max-memory",
        f"cpu={size // 2}",
        "--tokens",
        "4",
        "--bandwidth",
        "cpu=20GB/s,disk=2GB/s",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    runs = {run["executor"]: run for run in report["runs"]}
    assert set(runs) == set(report["modes"]) == {"accelerate", "prefetch", "prefetch+lookup"}
    assert report["identical"] is True and report["identical_tokens"] is True
    assert runs["prefetch"]["tokens"] == runs["accelerate"]["tokens"] == runs["prefetch+lookup"]["tokens"]
    assert report["modes"]["accelerate"]["passes_per_token"] == 1.0
    assert report["modes"]["prefetch"]["tokens_per_s"] == runs["prefetch"]["tokens_per_second"]
    assert report["floor_seconds_per_token"] > 0 and report["speedup"] > 0
    for run in runs.values():
        assert "disk" in run["placement"].values()
        assert 0 < run["bytes_per_token"] < size  # part of the model, read once per token
        assert run["tokens_per_second"] > 0 and run["load_seconds"] > 0 and run["peak_ram_bytes"] > 0
        assert run["of_floor"] == pytest.approx(report["floor_seconds_per_token"] * run["tokens_per_second"])
    assert runs["prefetch"]["bytes_per_token"] == pytest.approx(
        runs["accelerate"]["bytes_per_token"], rel=0.2
    )


@pytest.mark.parametrize(
    ("config", "dtype"),
    [
        ({"dtype": "bfloat16"}, "bfloat16"),
        ({"torch_dtype": "float32"}, "float32"),  # the name older transformers write
        ({"torch_dtype": "int8"}, "float16"),  # not one a benchmark can run in
        ({}, "float16"),
    ],
)
def test_a_benchmark_runs_in_the_dtype_the_config_names(
    tmp_path: Path, config: dict[str, str], dtype: str
) -> None:
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert stored_dtype(str(tmp_path)) == dtype


def test_bench_on_deck_questions_needs_the_decks(model_dir: Path, tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "model", "bench", str(model_dir), "--prompts", "qa", "--json")
    assert done.returncode == 1 and "--prompts qa needs --decks DIR" in done.stderr


def test_an_unknown_offload_dtype_is_refused_in_one_line(model_dir: Path, tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "model", "bench", str(model_dir), "--offload-dtype", "int3", "--json")
    assert done.returncode == 1 and "--offload-dtype must be one of off, int8, int4" in done.stderr
    assert done.stdout == ""


def test_bench_refuses_a_draft_with_another_tokenizer_before_any_run(model_dir: Path, tmp_path: Path) -> None:
    target, draft = tmp_path / "target", tmp_path / "draft"
    shutil.copytree(model_dir, target)
    tiny.word_tokenizer(target, ["the", "slide"])
    tiny.word_tokenizer(draft, ["the", "deck"])
    done = cli(tmp_path / "home", "model", "bench", str(target), "--draft", str(draft), "--json")
    assert done.returncode == 1 and done.stderr.strip().endswith("[draft_tokenizer_mismatch]")
    assert "benchmarking" not in done.stderr and done.stdout == ""
