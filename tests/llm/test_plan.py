"""Planning GPT-J-6B's real shape from its config alone: on a 16 GiB GPU, an 8 GiB GPU, and no GPU."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from deckchat.llm.bandwidth import Bandwidths, parse_bytes, parse_rates
from deckchat.llm.plan import parse_budget, plan_model

GIB = 2**30
RATES = {"gpu": 900e9, "pcie": 25e9, "cpu": 25e9, "disk": 2e9}
FIXED = Bandwidths(dict(RATES), dict.fromkeys(RATES, "given"))


@pytest.fixture(scope="module")
def gptj(tmp_path_factory: pytest.TempPathFactory) -> str:
    from transformers import GPTJConfig

    folder = tmp_path_factory.mktemp("gptj-6b")
    GPTJConfig().save_pretrained(folder)  # the default config is GPT-J-6B's shape; no weights
    return str(folder)


def test_on_a_16_gib_gpu_it_all_fits_in_full_precision(gptj: str) -> None:
    plan = plan_model(gptj, {"gpu": 16 * GIB, "cpu": 32 * GIB, "disk": 100 * GIB}, FIXED)
    assert 12.0e9 < plan.total_bytes < 12.3e9  # 6.05B parameters in float16
    assert plan.placement == {"gpu": plan.total_bytes, "cpu": 0, "disk": 0}
    assert (
        set(plan.modules.values()) == {"gpu"} and len(plan.modules) == 28 + 4
    )  # blocks, wte, ln_f, rotary, head
    assert plan.floor_seconds_per_token == pytest.approx(plan.total_bytes / RATES["gpu"])
    assert plan.recommendation.startswith("gpu:")


def test_on_an_8_gib_gpu_8_bit_beats_streaming_a_third_of_the_model(gptj: str) -> None:
    plan = plan_model(gptj, {"gpu": 8 * GIB, "cpu": 32 * GIB, "disk": 100 * GIB}, FIXED)
    assert (
        0 < plan.placement["gpu"] <= 8 * GIB and plan.placement["cpu"] > 3e9 and plan.placement["disk"] == 0
    )
    assert plan.modules["transformer.h.0"] == "gpu" and plan.modules["lm_head"] == "cpu"
    expected = plan.placement["gpu"] / RATES["gpu"] + plan.placement["cpu"] / RATES["pcie"]
    assert plan.floor_seconds_per_token == pytest.approx(expected)
    options = {o.name: o for o in plan.options}
    assert not options["gpu"].fits and options["int8"].fits and options["offload"].fits
    assert options["int8"].floor_seconds_per_token < plan.floor_seconds_per_token / 10
    assert plan.recommendation.startswith("int8:")


def test_without_a_gpu_it_runs_from_ram_or_spills_to_disk(gptj: str) -> None:
    roomy = plan_model(gptj, {"cpu": 32 * GIB, "disk": 100 * GIB}, FIXED)
    assert roomy.recommendation.startswith("cpu:") and roomy.placement["gpu"] == 0
    tight = plan_model(gptj, {"cpu": 8 * GIB, "disk": 100 * GIB}, FIXED)
    assert tight.placement["disk"] > 3e9 and tight.placement["gpu"] == 0
    expected = tight.placement["cpu"] / RATES["cpu"] + tight.placement["disk"] / RATES["disk"]
    assert tight.floor_seconds_per_token == pytest.approx(expected)
    assert tight.recommendation.startswith("offload:") and "no GPU" in tight.recommendation
    assert [o.name for o in tight.options] == ["cpu", "offload", "offload+int8", "offload+int4"]


def test_a_quantised_offload_shrinks_the_disk_term_of_the_floor(gptj: str) -> None:
    """GPT-J's blocks are Linear weights (4 x 4096^2 attention, 2 x 4096 x 16384 MLP) plus a
    LayerNorm and biases: int8 stores them in about half of float16's bytes, int4 in about a quarter."""
    from accelerate.utils import compute_module_sizes

    from deckchat.llm import quantize
    from deckchat.llm.plan import empty_model

    budget = {"cpu": 8 * GIB, "disk": 100 * GIB}
    plain = plan_model(gptj, budget, FIXED)
    assert plain.offload_dtype == "off" and plain.streamed_disk_bytes == plain.placement["disk"]
    model = empty_model(gptj, torch.float16)
    sizes = compute_module_sizes(model, dtype=torch.float16)
    block = model.transformer.h[0]
    linear = [m.weight for m in block.modules() if isinstance(m, torch.nn.Linear)]
    for scheme in quantize.SCHEMES:
        plan = plan_model(gptj, budget, FIXED, offload_dtype=scheme)
        assert plan.placement == plain.placement  # the blocks in RAM run at float16 either way
        disk_blocks = [name for name, tier in plan.modules.items() if tier == "disk"]
        per_block = sizes["transformer.h.0"] - sum(
            w.numel() * 2 - quantize.stored_bytes(tuple(w.shape), scheme) for w in linear
        )
        head = sizes["lm_head"] - model.lm_head.weight.numel() * 2
        head += quantize.stored_bytes(tuple(model.lm_head.weight.shape), scheme)
        # Blocks and the head shrink; the final norm (and the rotary table) stay as they are.
        shrunk = {n: per_block for n in disk_blocks if n.startswith("transformer.h.")} | {"lm_head": head}
        expected = sum(shrunk.get(name, sizes[name]) for name in disk_blocks)
        assert "lm_head" in disk_blocks
        assert plan.streamed_disk_bytes == expected
        floor = plan.placement["cpu"] / RATES["cpu"] + expected / RATES["disk"]
        assert plan.floor_seconds_per_token == pytest.approx(floor)
        option = next(o for o in plain.options if o.name == f"offload+{scheme}")
        assert option.floor_seconds_per_token == pytest.approx(floor) and option.fits
        assert plain.recommendation.startswith("offload:")  # never chosen for the user: it is lossy


def test_a_budget_too_small_for_the_model_says_so(gptj: str) -> None:
    plan = plan_model(gptj, {"cpu": 2 * GIB, "disk": 4 * GIB}, FIXED)
    assert plan.recommendation.startswith("nothing fits") and "raise --max-memory" in plan.recommendation


def test_sizes_budgets_and_rates_parse(tmp_path: Path) -> None:
    assert parse_bytes("16GiB") == 16 * GIB and parse_bytes("2GB") == 2e9 and parse_bytes("512") == 512
    assert parse_rates("pcie=25GB/s, disk=2GB/s") == {"pcie": 25e9, "disk": 2e9}
    budget = parse_budget("gpu=8GiB,cpu=16GiB", tmp_path)
    assert budget["gpu"] == 8 * GIB and budget["cpu"] == 16 * GIB and budget["disk"] > 0


def test_the_plan_command_prints_the_contract_json(gptj: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "deckchat.cli.main",
            "model",
            "plan",
            gptj,
            "--max-memory",
            "gpu=8GiB,cpu=32GiB",
            "--bandwidth",
            "gpu=900GB/s,pcie=25GB/s,cpu=25GB/s,disk=2GB/s",
            "--json",
        ],
        env={"DECKCHAT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert set(plan) >= {"total_bytes", "placement", "modules", "floor_seconds_per_token", "recommendation"}
    assert set(plan["placement"]) == {"gpu", "cpu", "disk"} and set(plan["modules"].values()) <= {
        "gpu",
        "cpu",
        "disk",
    }
    bad = subprocess.run(
        [sys.executable, "-m", "deckchat.cli.main", "model", "plan", gptj, "--max-memory", "tpu=8GiB"],
        env={"DECKCHAT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 1 and "tiers are gpu, cpu and disk" in bad.stderr


def test_the_plan_command_shows_the_quantised_offload_and_its_floor(gptj: str, tmp_path: Path) -> None:
    rates = "gpu=900GB/s,pcie=25GB/s,cpu=25GB/s,disk=2GB/s"
    args = ["model", "plan", gptj, "--max-memory", "cpu=8GiB,disk=100GiB", "--bandwidth", rates]
    result = subprocess.run(
        [sys.executable, "-m", "deckchat.cli.main", *args, "--offload-dtype", "int8"],
        env={"DECKCHAT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    plan = plan_model(gptj, {"cpu": 8 * GIB, "disk": 100 * GIB}, FIXED, offload_dtype="int8")
    floor = f"{plan.floor_seconds_per_token * 1000:.1f} ms"
    assert f"per-token floor (offload plan, disk streamed as int8): {floor}" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.strip().startswith("offload+int8"))
    assert f"floor {plan.floor_seconds_per_token * 1000:9.1f} ms/token" in row
    assert f"{1 / plan.floor_seconds_per_token:8.1f} tokens/s" in row
