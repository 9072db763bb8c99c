"""The one way every local generator loads a model: resolve it offline, pick a dtype, place it.

Placement is transformers' own (``device_map``, ``max_memory``, ``offload_folder``, backed by
accelerate); this module only decides the defaults and turns failures into errors a user can act on.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import DeckchatError
from deckchat.settings import Settings

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
    settings: Settings | None = None,
) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` from a local directory or a model id already in the HF cache.

    With a ``device_map`` (e.g. ``"auto"``), weights that don't fit ``max_memory`` go to disk, in
    ``offload_folder`` or else a folder for this model under ``<home>/offload``.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model(path_or_id)
    placement: dict[str, Any] = {}
    if device_map is not None:
        home = (settings or Settings()).home
        folder = offload_folder or home / "offload" / safe_name(path_or_id)
        placement = {"device_map": device_map, "max_memory": max_memory, "offload_folder": str(folder)}
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(
        source, dtype=dtype or default_dtype(), local_files_only=True, **placement
    )
    model.eval()
    return model, tokenizer


def resolve_model(path_or_id: str | Path) -> Path:
    """A local model directory, or the cached snapshot of a hub id; never downloads."""
    path = Path(path_or_id).expanduser()
    if path.is_dir():
        return path.resolve()
    if isinstance(path_or_id, Path) or _looks_like_path(str(path_or_id)):
        raise _not_found(path_or_id, "no such directory")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(str(path_or_id), local_files_only=True))
    except (OSError, ValueError) as exc:  # not cached (FileNotFoundError) or not a valid id
        raise _not_found(path_or_id, "it is not in the local Hugging Face cache") from exc


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


def _looks_like_path(text: str) -> bool:
    return text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text


def _not_found(path_or_id: str | Path, why: str) -> DeckchatError:
    return DeckchatError(
        f"Model {path_or_id} was not found: {why}. Give a local model directory, or a model id that "
        "is already downloaded (deckchat never downloads models).",
        code="model_not_found",
        status=404,
    )
