"""Re-save a model as safetensors shards, streaming one tensor at a time, then verify the result.

The classic recipe (``from_pretrained(low_cpu_mem_usage=True)`` then ``save_pretrained``) holds the
whole model in RAM. Here each tensor is read, cast and written on its own, so peak memory is one
tensor, and a 70B model shards on a machine with a few GB of RAM. The output is a standard Hugging
Face directory: config, generation config, tokenizer, shards and ``model.safetensors.index.json``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.llm.sources import Entry, GGUFSource, Source
from deckchat.llm.tensorfile import nbytes, read_elements, read_header, write_file

INDEX = "model.safetensors.index.json"
# Sampled values checked per tensor by the verification pass.
SAMPLES = 64
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf", ".h5", ".msgpack", ".ckpt", ".onnx")

Progress = Callable[[int, int], None]  # called with (bytes just written, bytes in all)


@dataclass(frozen=True)
class Verified:
    tensors: int
    shards: int
    samples: int


@dataclass(frozen=True)
class Sharded:
    out: Path
    shards: int
    tensors: int
    total_bytes: int
    has_tokenizer: bool
    verified: Verified


def shard_model(
    source: Source,
    out: Path,
    *,
    max_shard_size: int,
    dtype: torch.dtype | None,
    progress: Progress | None = None,
) -> Sharded:
    """Write ``source`` (see ``sources.open_source``) to ``out`` in shards of at most
    ``max_shard_size`` bytes, floating-point tensors cast to ``dtype`` (None keeps them).

    ``out`` appears only once it is complete and verified against the source.
    """
    if out.exists() and any(out.iterdir()):
        raise InvalidInput(f"{out} already exists and is not empty; choose a new folder.", code="out_exists")
    entries = source.entries()
    layout = [Entry(e.name, target_dtype(e.dtype, dtype), e.shape) for e in entries]
    total = sum(nbytes(e.dtype, e.shape) for e in layout)
    dtypes = {e.name: e.dtype for e in layout}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        shards = write_shards(
            tmp, layout, lambda name: _converted(source, name, dtypes[name], total, progress), max_shard_size
        )
        has_tokenizer = _write_extras(source, tmp, dtype)
        verified = verify(source, tmp, dtype)
        if out.exists():
            out.rmdir()
        tmp.rename(out)  # atomic: a killed conversion leaves no half-written OUT behind
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Sharded(out, shards, len(layout), total, has_tokenizer, verified)


def verify(source: Source, out: Path, dtype: torch.dtype | None) -> Verified:
    """Check ``out`` against ``source``: the same tensors, shapes and dtypes, and equal sampled values."""
    written = {}
    files = _weight_files(out)
    for file in files:
        for name, info in read_header(file).items():
            written[name] = (file, info)
            if file.stat().st_size < info.end:
                raise _mismatch(f"{file.name} is truncated")
    entries = source.entries()
    missing = [e.name for e in entries if e.name not in written]
    if missing or len(written) != len(entries):
        raise _mismatch(
            f"{len(written)} tensors written for {len(entries)} in the source (missing: {missing[:3]})"
        )
    samples = 0
    for entry in entries:
        file, info = written[entry.name]
        want = target_dtype(entry.dtype, dtype)
        if info.shape != entry.shape or info.dtype != want:
            raise _mismatch(f"{entry.name} is {info.dtype} {info.shape}, expected {want} {entry.shape}")
        indices = sample_indices(info.shape)
        expected = source.elements(entry.name, indices).to(want)
        actual = read_elements(file, info, indices)
        if not torch.equal(expected.view(torch.uint8), actual.view(torch.uint8)):
            raise _mismatch(f"sampled values of {entry.name} differ from the source")
        samples += len(indices)
    return Verified(len(entries), len(files), samples)


def target_dtype(source: torch.dtype, wanted: torch.dtype | None) -> torch.dtype:
    """Floating-point tensors take the wanted dtype; integer and boolean ones (ids, masks) never do."""
    return wanted if wanted is not None and source.is_floating_point else source


def sample_indices(shape: tuple[int, ...]) -> list[int]:
    """Evenly spread flat indices, first and last included: a skipped or shifted block shows up."""
    count = 1
    for size in shape:
        count *= size
    if count <= SAMPLES:
        return list(range(count))
    step = (count - 1) / (SAMPLES - 1)
    return sorted({round(i * step) for i in range(SAMPLES)})


def _converted(
    source: Source, name: str, dtype: torch.dtype, total: int, progress: Progress | None
) -> torch.Tensor:
    tensor = source.tensor(name).to(dtype)
    if progress is not None:
        progress(tensor.numel() * tensor.element_size(), total)
    return tensor


def write_shards(
    out: Path, layout: list[Entry], produce: Callable[[str], torch.Tensor], max_shard_size: int
) -> int:
    """Write ``layout``'s tensors, each made by ``produce`` only when due, as shards plus the index
    JSON when there is more than one; returns the number of shards."""
    shards = split(layout, max_shard_size)
    names = shard_names(len(shards))
    for file_name, shard in zip(names, shards, strict=True):
        write_file(out / file_name, [(e.name, e.dtype, e.shape) for e in shard], produce)
    if len(shards) > 1:
        total = sum(nbytes(e.dtype, e.shape) for e in layout)
        weight_map = {
            e.name: file_name for file_name, shard in zip(names, shards, strict=True) for e in shard
        }
        index = {"metadata": {"total_size": total}, "weight_map": weight_map}
        (out / INDEX).write_text(json.dumps(index, indent=2) + "\n")
    return len(shards)


def split(layout: list[Entry], limit: int) -> list[list[Entry]]:
    """Consecutive tensors in shards of at most ``limit`` bytes (a bigger tensor gets one alone),
    keeping each block's tensors together as far as the order allows."""
    shards: list[list[Entry]] = [[]]
    size = 0
    for entry in layout:
        n = nbytes(entry.dtype, entry.shape)
        if shards[-1] and size + n > limit:
            shards.append([])
            size = 0
        shards[-1].append(entry)
        size += n
    return shards


def shard_names(count: int) -> list[str]:
    if count == 1:
        return ["model.safetensors"]
    return [f"model-{i:05d}-of-{count:05d}.safetensors" for i in range(1, count + 1)]


def _weight_files(out: Path) -> list[Path]:
    index = out / INDEX
    if index.is_file():
        return [out / name for name in dict.fromkeys(json.loads(index.read_text())["weight_map"].values())]
    return [out / "model.safetensors"]


def _write_extras(source: Source, out: Path, dtype: torch.dtype | None) -> bool:
    """Config (with the new dtype), generation config and tokenizer; True when a tokenizer was written."""
    from transformers import GenerationConfig

    if isinstance(source, GGUFSource):
        config = source.config
        config.dtype = dtype or torch.float32  # GGUF weights de-quantize to float32
        config.save_pretrained(out)
        GenerationConfig.from_model_config(config).save_pretrained(out)
        source.tokenizer().save_pretrained(out)
        return True
    assert source.folder is not None
    for file in source.folder.iterdir():
        if (
            file.is_file()
            and not file.name.endswith(_WEIGHT_SUFFIXES)
            and not file.name.endswith(".index.json")
        ):
            shutil.copy2(file, out / file.name)
    config_file = out / "config.json"
    if not config_file.is_file():
        raise InvalidInput(
            f"{source.folder} has no config.json; it is needed to load the model.", code="no_config"
        )
    if dtype is not None:
        values: dict[str, Any] = json.loads(config_file.read_text())
        values["dtype"] = str(dtype).removeprefix("torch.")
        values.pop("torch_dtype", None)
        config_file.write_text(json.dumps(values, indent=2) + "\n")
    if not (out / "generation_config.json").is_file():  # older checkpoints keep these in the config
        from transformers import AutoConfig

        GenerationConfig.from_model_config(AutoConfig.from_pretrained(out)).save_pretrained(out)
    return any(
        (out / name).is_file() for name in ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")
    )


def _mismatch(why: str) -> DeckchatError:
    return DeckchatError(f"Verification failed: {why}.", code="shard_mismatch", status=500)
