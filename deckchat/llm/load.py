"""The one way every local generator loads a model: resolve it offline, pick a dtype, place it.

Placement is transformers' own (``device_map``, ``max_memory``, ``offload_folder``, backed by
accelerate); this module only decides the defaults and turns failures into errors a user can act on.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from deckchat.llm import prefetch
from deckchat.llm.bandwidth import parse_bytes
from deckchat.llm.plan import ensure_fits
from deckchat.llm.resolve import resolve_model
from deckchat.settings import LlmOptions

# bfloat16 must beat float32 by this much on the probe to be worth its lost precision.
BF16_MIN_SPEEDUP = 1.25

MaxMemory = dict[int | str, int | str]


def load_causal_lm(
    path_or_id: str | Path,
    *,
    device_map: str | dict[str, Any] | None = None,
    max_memory: MaxMemory | None = None,
    offload_folder: Path | None = None,
    dtype: torch.dtype | None = None,
    options: LlmOptions | None = None,
    executor: str | None = None,
    disk_budget: int | None = None,
    offload_dtype: str | None = None,
) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` from a local directory or a model id already in the HF cache;
    the options are ``load_model``'s."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model(path_or_id), local_files_only=True)
    model = load_model(
        path_or_id,
        device_map=device_map,
        max_memory=max_memory,
        offload_folder=offload_folder,
        dtype=dtype,
        options=options,
        executor=executor,
        disk_budget=disk_budget,
        offload_dtype=offload_dtype,
    )
    return model, tokenizer


def load_model(
    path_or_id: str | Path,
    *,
    device_map: str | dict[str, Any] | None = None,
    max_memory: MaxMemory | None = None,
    offload_folder: Path | None = None,
    dtype: torch.dtype | None = None,
    options: LlmOptions | None = None,
    executor: str | None = None,
    disk_budget: int | None = None,
    offload_dtype: str | None = None,
) -> Any:
    """Load a causal LM, in evaluation mode.

    With a ``device_map`` (e.g. ``"auto"``), weights that don't fit ``max_memory`` go to disk, in
    ``offload_folder`` or else a folder for this model under the ``options``' offload root
    (``<home>/offload``); one of the two is needed. Offloaded blocks stream in through ``executor``:
    ``prefetch`` (ours, reads ahead) or ``accelerate`` (plain); by default the options'
    ``offload_executor``, else ``prefetch``. ``offload_dtype`` (default: the options', else ``off``)
    ``int8`` or ``int4`` streams the Linear weights offloaded to disk quantised, from copies written
    once into the offload folder (``quantstore.py``): fewer bytes per token, slightly different output.

    With a ``max_memory``, a model bigger than it plus ``disk_budget`` (default: the free disk
    under the offload folder) is refused before anything is loaded, never by running out halfway.
    """
    from transformers import AutoModelForCausalLM

    source = resolve_model(path_or_id)
    placement: dict[str, Any] = {}
    folder = None
    if device_map is not None:
        folder = offload_folder or _default_offload_folder(path_or_id, options)
        if max_memory is not None:
            _ensure_fits(source, max_memory, folder, disk_budget, dtype or default_dtype())
        placement = {"device_map": device_map, "max_memory": max_memory, "offload_folder": str(folder)}
    model: Any = AutoModelForCausalLM.from_pretrained(
        source, dtype=dtype or default_dtype(), local_files_only=True, **placement
    )
    model.eval()
    prefetch.install(
        model,
        executor or (options.offload_executor if options else "prefetch"),
        offload_dtype=offload_dtype or (options.offload_dtype if options else "off"),
        folder=folder,
    )
    return model


def _default_offload_folder(path_or_id: str | Path, options: LlmOptions | None) -> Path:
    if options is None:
        raise ValueError("a device_map needs an offload_folder or the options naming the offload root")
    return options.offload_root / safe_name(path_or_id)


def _ensure_fits(
    source: Path, max_memory: MaxMemory, folder: Path, disk_budget: int | None, dtype: torch.dtype
) -> None:
    budget = {
        ("cpu" if device == "cpu" else "gpu"): int(parse_bytes(size) if isinstance(size, str) else size)
        for device, size in max_memory.items()
        if device != "disk"
    }
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    budget["disk"] = disk_budget if disk_budget is not None else shutil.disk_usage(existing).free
    ensure_fits(str(source), budget, dtype)


def default_dtype() -> torch.dtype:
    if torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_bfloat16_speedup() >= BF16_MIN_SPEEDUP else torch.float32


@functools.cache
def cpu_bfloat16_speedup() -> float:
    """How much faster this CPU multiplies bfloat16 than float32 matrices (~70 ms to find out).

    CPUs with native bfloat16 (AVX512-BF16, AMX) run it 2-3x faster; others emulate it and run it
    several times slower. Measured on 2 Zen 4 cores with SmolLM2-135M, 1,500-token prompt:
    float32 2.8 s to first token and 14 tokens/s, bfloat16 1.7 s and 15 tokens/s; the probe said 2.2-2.9x.
    """
    return _matmul_seconds(torch.float32) / _matmul_seconds(torch.bfloat16)


def _matmul_seconds(dtype: torch.dtype) -> float:
    # A prompt-sized product: 512 tokens through a 1024-wide layer.
    a, b = torch.randn(512, 1024, dtype=dtype), torch.randn(1024, 1024, dtype=dtype)
    with torch.inference_mode():
        a @ b  # the first call sets up kernels
        return min(_timed(lambda: a @ b) for _ in range(5))


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def safe_name(path_or_id: str | Path) -> str:
    """A folder name for a model: readable, and unique per source (two ``model`` dirs differ)."""
    text = str(path_or_id)
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(text).name or text).strip("-.") or "model"
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"{readable}-{digest}"
