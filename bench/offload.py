"""Disk offload: our prefetching executor against plain accelerate, measured in the same run.

Writes a random Llama of about 1 GB (float32, so the CPU computes in its stored dtype), then loads it
with a RAM budget of half its size, so about half its blocks are read from disk for every token,
once with each executor, each in its own process. The page cache is bypassed for both alike: every
weight read from disk is evicted right after it is read, as it would be for a model bigger than RAM.

Prints each executor's load time, time to first token, tokens/s, peak RAM and bytes moved per token,
the per-token floor (disk bytes / disk bandwidth + RAM bytes / RAM bandwidth, measured here), and the
ratio of our tokens/s to accelerate's. Exit status 1 when the outputs differ or the ratio misses
--target.

With ``--offload-dtype int8`` (or int4), one more run: prefetch streaming the disk's Linear weights
quantised, its tokens/s against prefetch's at the model's dtype (its tokens differ: it is lossy;
bench/offload_quality.py measures by how much).

With ``--gpu``, the issue's GPU check instead: a random model of GPT-J-6B's shape in float16 (12 GB,
written once to --folder), GPU memory capped at 6 GiB, the rest in RAM; target 1.8x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from deckchat.llm.bandwidth import measure
from deckchat.llm.modelbench import Run, bench, of_floor
from deckchat.llm.plan import plan_model
from deckchat.llm.synthetic import write_random_model

GB = 1e9


def random_llama(folder: Path, layers: int) -> int:
    import torch
    from transformers import LlamaConfig

    config = LlamaConfig(
        vocab_size=8192,
        hidden_size=1024,
        intermediate_size=4096,
        num_hidden_layers=layers,
        num_attention_heads=16,
        num_key_value_heads=16,
        tie_word_embeddings=False,
    )
    return write_random_model(config, folder, dtype=torch.float32, max_shard_size=500_000_000)


def random_gptj_6b(folder: Path) -> int:
    import torch
    from transformers import GPTJConfig

    if (folder / "config.json").is_file():  # written by an earlier run
        return sum(f.stat().st_size for f in folder.glob("*.safetensors"))
    return write_random_model(GPTJConfig(), folder, dtype=torch.float16)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=14, help="transformer blocks (14: about 1 GB)")
    parser.add_argument("--tokens", type=int, default=12)
    parser.add_argument("--target", type=float, help="least prefetch/accelerate ratio (1.3; 1.8 with --gpu)")
    parser.add_argument("--warm-cache", action="store_true", help="let the page cache keep weights")
    parser.add_argument("--gpu", action="store_true", help="GPT-J-6B's shape, GPU capped at 6 GiB")
    parser.add_argument("--folder", type=Path, help="where --gpu keeps its 12 GB model between runs")
    parser.add_argument("--offload-dtype", choices=("int8", "int4"), help="add a quantised prefetch run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deckchat-bench-offload-") as tmp:
        if args.gpu:
            folder = args.folder or Path(tmp) / "gptj-6b"
            size, dtype, what = random_gptj_6b(folder), "float16", "random GPT-J-6B"
            budget = {"gpu": 6 * 2**30, "cpu": 2 * size, "disk": 100 * 2**30}
        else:
            folder = Path(tmp) / "model"
            size, dtype, what = random_llama(folder, args.layers), "float32", "random Llama"
            budget = {"cpu": size // 2, "disk": 100 * 2**30}
        rates = measure(Path(tmp) / "probe", {})
        plan = plan_model(str(folder), budget, rates, dtype)
        same = {"tokens": args.tokens, "dtype": dtype, "cold": not args.warm_cache, "scratch": Path(tmp)}
        # random prompts: drafts from them measure nothing, so no prompt-lookup mode
        report = bench(
            str(folder), budget, plan.floor_seconds_per_token, modes=("accelerate", "prefetch"), **same
        )
        if args.offload_dtype:
            quantised_plan = plan_model(str(folder), budget, rates, dtype, args.offload_dtype)
            floor = quantised_plan.floor_seconds_per_token
            quantised = bench(
                str(folder), budget, floor, modes=("prefetch",), offload_dtype=args.offload_dtype, **same
            ).runs[0]
    limits = ", ".join(f"{tier} {budget[tier] / GB:.2f} GB" for tier in ("gpu", "cpu") if tier in budget)
    print(f"deckchat offload benchmark: {what}, {size / GB:.2f} GB {dtype}; budget {limits}")
    print(
        f"plan: {plan.placement['gpu'] / GB:.2f} GB on GPU, {plan.placement['cpu'] / GB:.2f} GB in RAM, "
        f"{plan.placement['disk'] / GB:.2f} GB on disk; "
        f"disk {rates.rates['disk'] / GB:.1f} GB/s, RAM {rates.rates['cpu'] / GB:.1f} GB/s "
        f"({rates.sources['disk']}); floor {plan.floor_seconds_per_token * 1000:.0f} ms/token\n"
    )
    print(
        f"{'executor':<14}{'load s':>8}{'1st tok s':>11}{'tok/s':>8}{'peak RAM GB':>13}"
        f"{'peak VRAM GB':>14}{'MB/token':>10}{'of floor':>10}"
    )
    for run in report.runs:
        _row(run.executor, run, plan.floor_seconds_per_token)
    if args.offload_dtype:
        _row(f"prefetch+{args.offload_dtype}", quantised, floor)
        prefetch = next(run for run in report.runs if run.executor == "prefetch")
        ratio = quantised.tokens_per_second / prefetch.tokens_per_second if prefetch.tokens_per_second else 0
        print(
            f"\nprefetch {args.offload_dtype} / prefetch tokens/s       {ratio:6.2f}x  "
            f"(its floor {floor * 1e3:.0f} ms)"
        )
    target = args.target or (1.8 if args.gpu else 1.3)
    print(f"\nprefetch / accelerate tokens/s        {report.speedup:6.2f}x  (target >= {target}x)")
    print(f"identical greedy tokens                {'yes' if report.identical else 'NO'}")
    ok = report.identical and report.speedup >= target
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def _row(name: str, run: Run, floor: float) -> None:
    print(
        f"{name:<14}{run.load_seconds:8.2f}{run.first_token_seconds:11.2f}"
        f"{run.tokens_per_second:8.2f}{run.peak_ram_bytes / GB:13.2f}{run.peak_vram_bytes / GB:14.2f}"
        f"{run.bytes_per_token / 1e6:10.0f}{of_floor(floor, run):10.0%}"
    )


if __name__ == "__main__":
    sys.exit(main())
