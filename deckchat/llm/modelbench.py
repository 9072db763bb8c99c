"""``deckchat model bench``: our offload executor against plain accelerate, on the same model and budget.

Each executor runs in its own process, so peak RAM is its own and neither inherits the other's
page cache or allocator. With ``cold`` (the default) every weight read from disk is evicted from the
page cache right after it is read, by both executors alike, so each token really reads the disk,
as it would for a model much bigger than RAM.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import DeckchatError
from deckchat.llm.prefetch import EXECUTORS, traffic_of


@dataclass(frozen=True)
class Run:
    executor: str
    load_seconds: float
    first_token_seconds: float
    tokens_per_second: float
    peak_ram_bytes: int
    peak_vram_bytes: int
    bytes_per_token: float
    placement: dict[str, str]
    tokens: list[int]


@dataclass(frozen=True)
class Report:
    runs: list[Run]
    floor_seconds_per_token: float
    speedup: float  # our tokens/s over accelerate's
    identical: bool  # both produced the same greedy tokens

    def as_json(self) -> dict[str, Any]:
        runs = []
        for run in self.runs:
            row = asdict(run)
            row["of_floor"] = of_floor(self.floor_seconds_per_token, run)
            runs.append(row)
        return {
            "runs": runs,
            "floor_seconds_per_token": self.floor_seconds_per_token,
            "speedup": self.speedup,
            "identical": self.identical,
        }


def of_floor(floor: float, run: Run) -> float:
    """The share of the predicted floor a run reached: 1.0 means as fast as the links allow."""
    return floor * run.tokens_per_second if run.tokens_per_second else 0.0


def bench(
    src: str,
    max_memory: dict[str, int],
    floor_seconds_per_token: float,
    *,
    tokens: int = 8,
    prompt_tokens: int = 32,
    dtype: str | None = None,
    cold: bool = True,
    scratch: Path,
) -> Report:
    """Run both executors on ``src`` with the same budget, prompt and token count."""
    runs = [
        _in_child(
            {
                "src": src,
                "max_memory": max_memory,
                "executor": executor,
                "tokens": tokens,
                "prompt_tokens": prompt_tokens,
                "dtype": dtype,
                "cold": cold,
                "scratch": str(scratch),
            }
        )
        for executor in EXECUTORS
    ]
    ours, plain = runs
    speedup = ours.tokens_per_second / plain.tokens_per_second if plain.tokens_per_second else 0.0
    return Report(runs, floor_seconds_per_token, speedup, ours.tokens == plain.tokens)


def run_one(
    src: str,
    max_memory: dict[str, int],
    executor: str,
    *,
    tokens: int,
    prompt_tokens: int,
    dtype: str | None,
    cold: bool,
    scratch: Path,
) -> Run:
    """Load ``src`` with ``executor`` and decode ``tokens`` greedy tokens after a random prompt."""
    from deckchat.llm.load import load_model
    from deckchat.llm.plan import DTYPES

    placement: dict[int | str, int | str] = {
        ("cpu" if k == "cpu" else 0): v for k, v in max_memory.items() if k != "disk"
    }
    with tempfile.TemporaryDirectory(dir=scratch, prefix="offload-") as offload:
        _evict(Path(src), Path(offload))
        start = time.perf_counter()
        model = load_model(
            src,
            device_map="auto",
            max_memory=placement,
            offload_folder=Path(offload),
            dtype=DTYPES[dtype] if dtype else None,
            executor=executor,
        )
        load_seconds = time.perf_counter() - start
        traffic = traffic_of(model)
        if traffic is not None:
            traffic.cold = cold
        _evict(Path(src), Path(offload))
        generator = torch.Generator().manual_seed(0)
        prompt = torch.randint(0, model.config.vocab_size, (1, prompt_tokens), generator=generator)
        out, first, decode, moved = _generate(model, prompt, tokens, traffic)
    return Run(
        executor=executor,
        load_seconds=load_seconds,
        first_token_seconds=first,
        tokens_per_second=(tokens - 1) / decode if decode else 0.0,
        peak_ram_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        peak_vram_bytes=torch.cuda.max_memory_allocated() if torch.cuda.is_available() else 0,
        bytes_per_token=moved / (tokens - 1) if tokens > 1 else 0.0,
        placement={k or "(all)": str(v) for k, v in getattr(model, "hf_device_map", {}).items()},
        tokens=out,
    )


def _generate(
    model: Any, prompt: torch.Tensor, tokens: int, traffic: Any
) -> tuple[list[int], float, float, int]:
    """Greedy decoding with the KV cache: (token ids, first-token seconds, decode seconds, decode bytes)."""
    from deckchat.llm.local import kv_cache

    out: list[int] = []
    cache = kv_cache(model)
    with torch.inference_mode():
        start = time.perf_counter()
        step = model(input_ids=prompt, use_cache=True, **cache)
        first = time.perf_counter() - start
        moved_before = traffic.bytes if traffic is not None else 0
        start = time.perf_counter()
        for _ in range(tokens):
            token = step.logits[:, -1].argmax(-1, keepdim=True).cpu()
            out.append(int(token))
            if len(out) == tokens:
                break
            step = model(input_ids=token, use_cache=True, **cache)
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        decode = time.perf_counter() - start
    moved = (traffic.bytes if traffic is not None else 0) - moved_before
    return out, first, decode, moved


def _evict(*folders: Path) -> None:
    """Drop the model's files from the page cache, so no run starts with the last one's reads."""
    for folder in folders:
        for file in folder.rglob("*"):
            if file.is_file():
                fd = os.open(file, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def _in_child(args: dict[str, Any]) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "deckchat.llm.modelbench", json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DeckchatError(f"The {args['executor']} run failed: {last}", code="bench_failed", status=500)
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    options = json.loads(sys.argv[1])
    options["scratch"] = Path(options["scratch"])
    result = run_one(options.pop("src"), options.pop("max_memory"), options.pop("executor"), **options)
    print(json.dumps(asdict(result)))
