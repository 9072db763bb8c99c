"""Sharding streams: a model several times bigger than a RAM budget shards within that budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deckchat.llm.tensorfile import read_header

pytestmark = pytest.mark.slow

MB = 10**6
BUDGET = 120 * MB  # what sharding may add to the process's peak RSS
# Runs in a fresh process, so its peak RSS is sharding's alone; imports count towards the baseline.
CHILD = """
import json, resource, sys
from pathlib import Path
import torch, transformers, accelerate  # noqa: F401  imported before the baseline is read
from deckchat.llm.shard import shard_model
from deckchat.llm.sources import open_source

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

source = open_source(sys.argv[1])
before = peak()
done = shard_model(source, Path(sys.argv[2]), max_shard_size=50_000_000, dtype=torch.float16)
print(json.dumps({"baseline": before, "peak": peak(), "shards": done.shards, "bytes": done.total_bytes}))
"""


@pytest.fixture(scope="module")
def big_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A random float32 Llama of about 600 MB, in two shards of about 300 MB each."""
    from transformers import LlamaConfig

    from deckchat.llm.synthetic import write_random_model

    config = LlamaConfig(
        vocab_size=8192,
        hidden_size=1024,
        intermediate_size=2816,
        num_hidden_layers=12,
        num_attention_heads=8,
        num_key_value_heads=8,
        tie_word_embeddings=False,
    )
    out = tmp_path_factory.mktemp("big-llama")
    size = write_random_model(config, out, dtype=torch_float32(), max_shard_size=320 * MB)
    return out, size


def torch_float32() -> object:
    import torch

    return torch.float32


def test_peak_rss_stays_within_the_budget_for_a_model_five_times_its_size(
    big_model: tuple[Path, int], tmp_path: Path
) -> None:
    src, size = big_model
    assert size > 5 * BUDGET
    assert max(f.stat().st_size for f in src.glob("*.safetensors")) > 2 * BUDGET  # shards bigger than it too
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    grown = report["peak"] - report["baseline"]
    assert grown <= BUDGET, f"sharding grew peak RSS by {grown / MB:.0f} MB for a {size / MB:.0f} MB model"
    assert report["bytes"] == size // 2  # float32 to float16
    assert report["shards"] == len(list(out.glob("*.safetensors"))) >= 6
    written = sum(i.nbytes for f in out.glob("*.safetensors") for i in read_header(f).values())
    assert written == size // 2
