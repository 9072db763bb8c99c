"""``deckchat model bench``: our offload executor against plain accelerate, on the same model and budget.

Modes: ``accelerate`` (plain hooks), ``prefetch`` (ours, reads ahead), ``prefetch+lookup`` (ours, and
each pass verifies prompt-lookup drafts, decode.py) and, when a draft model is given,
``prefetch+draft`` (ours, and each pass verifies a resident draft model's guesses, draft.py). Prompts
are random token ids, or given ones (deck QA prompts, chat/qa_prompts.py); with given prompts each
stops at the model's stop token.

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
from deckchat.llm import decode
from deckchat.llm.decode import Counts
from deckchat.llm.prefetch import traffic_of

# mode -> (offload executor, where drafts come from); the first is the baseline the others are compared to.
MODES = {
    "accelerate": ("accelerate", None),
    "prefetch": ("prefetch", None),
    "prefetch+lookup": ("prefetch", "lookup"),
    "prefetch+draft": ("prefetch", "draft"),
}


def modes_for(draft: str | None) -> tuple[str, ...]:
    """Every mode, less ``prefetch+draft`` when no draft model is given."""
    return tuple(mode for mode in MODES if draft or MODES[mode][1] != "draft")


@dataclass(frozen=True)
class Run:
    executor: str  # the mode
    load_seconds: float
    first_token_seconds: float
    tokens_per_second: float
    peak_ram_bytes: int
    peak_vram_bytes: int
    bytes_per_token: float
    placement: dict[str, str]
    tokens: list[int]  # every prompt's, one after another
    passes_per_token: float = 1.0  # forward passes per token after the first
    acceptance: float = 0.0  # share of drafted tokens kept


@dataclass(frozen=True)
class Report:
    runs: list[Run]
    floor_seconds_per_token: float
    speedup: float  # prefetch's tokens/s over accelerate's
    identical: bool  # every mode produced the same greedy tokens

    def as_json(self) -> dict[str, Any]:
        runs = []
        for run in self.runs:
            row = asdict(run)
            row["of_floor"] = of_floor(self.floor_seconds_per_token, run)
            runs.append(row)
        return {
            "modes": {run.executor: self.mode_figures(run) for run in self.runs},
            "identical_tokens": self.identical,
            "runs": runs,
            "floor_seconds_per_token": self.floor_seconds_per_token,
            "speedup": self.speedup,
            "identical": self.identical,
        }

    def mode_figures(self, run: Run) -> dict[str, float]:
        base = self.runs[0].tokens_per_second
        return {
            "tokens_per_s": run.tokens_per_second,
            "passes_per_token": run.passes_per_token,
            "acceptance": run.acceptance,
            "bytes_per_token": run.bytes_per_token,
            "first_token_s": run.first_token_seconds,
            "peak_ram_bytes": run.peak_ram_bytes,
            "peak_vram_bytes": run.peak_vram_bytes,
            "vs_accelerate": run.tokens_per_second / base if base else 0.0,
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
    prompts: list[list[int]] | None = None,
    dtype: str | None = None,
    cold: bool = True,
    scratch: Path,
    draft: str | None = None,
    modes: tuple[str, ...] | None = None,
    offload_dtype: str = "off",
) -> Report:
    """Run each mode on ``src`` with the same budget, prompts and token budget; ``prompts`` are token
    ids (default: one random prompt of ``prompt_tokens``); ``draft`` is a draft model's folder. The
    first mode is the baseline. ``offload_dtype`` applies to the prefetch modes; plain accelerate
    always streams the model's dtype, so with int8 or int4 only the prefetch modes must agree token for
    token."""
    runs = [
        _in_child(
            {
                "src": src,
                "max_memory": max_memory,
                "mode": mode,
                "tokens": tokens,
                "prompt_tokens": prompt_tokens,
                "prompts": prompts,
                "dtype": dtype,
                "cold": cold,
                "scratch": str(scratch),
                "offload_dtype": offload_dtype,
                "draft": draft,
            }
        )
        for mode in modes or modes_for(draft)
    ]
    by_mode = {run.executor: run for run in runs}
    plain, ours = by_mode.get("accelerate"), by_mode.get("prefetch")
    speedup = (
        ours.tokens_per_second / plain.tokens_per_second
        if plain and ours and plain.tokens_per_second
        else 0.0
    )
    same = [run for run in runs if offload_dtype == "off" or MODES[run.executor][0] == "prefetch"]
    return Report(runs, floor_seconds_per_token, speedup, all(run.tokens == same[0].tokens for run in same))


def run_one(
    src: str,
    max_memory: dict[str, int],
    mode: str,
    *,
    tokens: int,
    prompt_tokens: int,
    dtype: str | None,
    cold: bool,
    scratch: Path,
    prompts: list[list[int]] | None = None,
    offload_dtype: str = "off",
    draft: str | None = None,
) -> Run:
    """Load ``src`` as ``mode`` says and decode up to ``tokens`` greedy tokens after each prompt
    (default: one random prompt of ``prompt_tokens``, decoded for exactly ``tokens``); ``draft`` is
    the draft model's folder for ``prefetch+draft``."""
    from deckchat.llm.load import load_model
    from deckchat.llm.plan import DTYPES

    executor, drafts = MODES[mode]
    if drafts == "draft" and not draft:
        raise ValueError("the prefetch+draft mode needs a draft model")
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
            offload_dtype=offload_dtype if executor == "prefetch" else "off",
        )
        load_seconds = time.perf_counter() - start
        traffic = traffic_of(model)
        if traffic is not None:
            traffic.cold = cold
        drafter = _draft_model(src, draft) if drafts == "draft" and draft else None
        _evict(Path(src), Path(offload))
        stop_ids: frozenset[int] = frozenset()
        if prompts is None:
            generator = torch.Generator().manual_seed(0)
            random = torch.randint(0, model.config.vocab_size, (prompt_tokens,), generator=generator)
            prompts = [random.tolist()]
        else:  # real prompts end where the model would stop answering
            eos = getattr(model.generation_config, "eos_token_id", None)
            stop_ids = frozenset(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        measured = [_generate(model, ids, tokens, traffic, drafts, drafter, stop_ids) for ids in prompts]
    counts, decode_s, moved = Counts(), sum(m.decode for m in measured), sum(m.moved for m in measured)
    for m in measured:
        counts.add(m.counts)
    after_first = counts.generated - len(measured)  # the first token of each is the prompt's pass
    return Run(
        executor=mode,
        load_seconds=load_seconds,
        first_token_seconds=sum(m.first for m in measured) / len(measured),
        tokens_per_second=after_first / decode_s if decode_s else 0.0,
        peak_ram_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        peak_vram_bytes=torch.cuda.max_memory_allocated() if torch.cuda.is_available() else 0,
        bytes_per_token=moved / after_first if after_first > 0 else 0.0,
        placement={k or "(all)": str(v) for k, v in getattr(model, "hf_device_map", {}).items()},
        tokens=[token for m in measured for token in m.tokens],
        passes_per_token=(counts.passes - len(measured)) / after_first if after_first > 0 else 0.0,
        acceptance=counts.acceptance,
    )


@dataclass
class _Measured:
    tokens: list[int]
    first: float  # seconds to the first token (the prompt's pass)
    decode: float  # seconds for the rest
    moved: int  # bytes read from offload storage for the rest
    counts: Counts


def _draft_model(src: str, draft: str) -> Any:
    """The draft model, refused if its tokenizer is not the target's."""
    from transformers import AutoTokenizer

    from deckchat.llm.draft import load_draft
    from deckchat.llm.resolve import resolve_model

    return load_draft(Path(draft), AutoTokenizer.from_pretrained(resolve_model(src), local_files_only=True))


def _generate(
    model: Any,
    ids: list[int],
    tokens: int,
    traffic: Any,
    drafts: str | None,
    draft: Any,
    stop_ids: frozenset[int],
) -> _Measured:
    """Greedy decoding with the KV cache, as the chat's generator runs it."""
    from deckchat.llm.local import CachedForward

    forward, counts = CachedForward(model), Counts()
    if drafts == "draft":
        stream = decode.speculate(forward, forward.crop, draft.drafter(ids), ids, tokens, stop_ids, counts)
    elif drafts == "lookup":
        stream = decode.lookup(forward, forward.crop, ids, tokens, stop_ids, counts)
    else:
        stream = decode.greedy(forward, ids, tokens, stop_ids, counts)
    out: list[int] = []
    start = time.perf_counter()
    first, moved_before = 0.0, 0
    for token in stream:
        if not out:
            first = time.perf_counter() - start
            moved_before = traffic.bytes if traffic is not None else 0
            start = time.perf_counter()
        out.append(token)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    decode_s = time.perf_counter() - start if out else 0.0
    moved = (traffic.bytes if traffic is not None else 0) - moved_before if out else 0
    return _Measured(out, first, decode_s, moved, counts)


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
        raise DeckchatError(f"The {args['mode']} run failed: {last}", code="bench_failed", status=500)
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    options = json.loads(sys.argv[1])
    options["scratch"] = Path(options["scratch"])
    result = run_one(options.pop("src"), options.pop("max_memory"), options.pop("mode"), **options)
    print(json.dumps(asdict(result)))
