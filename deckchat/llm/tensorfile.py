"""Read and write safetensors files one tensor at a time, with plain ``pread``/``write``.

The ``safetensors`` package maps whole files into memory: pages it touches count towards the process's
resident memory until the kernel needs them back, and it offers no way to write a file tensor by
tensor. Sharding a model bigger than RAM and streaming offloaded weights need both, and the format
is simple: an 8-byte little-endian header length, a JSON header, then the raw bytes.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch

from deckchat.core.errors import InvalidInput

CODES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F8_E4M3": torch.float8_e4m3fn,
    "F8_E5M2": torch.float8_e5m2,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
NAMES = {dtype: code for code, dtype in CODES.items()}
# Real headers are kilobytes to a few megabytes; anything past this is not a safetensors file.
_MAX_HEADER = 100_000_000
# Reads of this size stream at the disk's speed here (1.8 GB/s); one 64 MB read ran at a third of that.
READ_CHUNK = 8 * 2**20


@dataclass(frozen=True)
class TensorInfo:
    dtype: torch.dtype
    shape: tuple[int, ...]
    start: int  # absolute offset in the file
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.start


def nbytes(dtype: torch.dtype, shape: Iterable[int]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count * dtype.itemsize


def read_header(path: Path) -> dict[str, TensorInfo]:
    """Every tensor's dtype, shape and byte range, in file order."""
    with path.open("rb") as file:
        raw_length = file.read(8)
        length = struct.unpack("<Q", raw_length)[0] if len(raw_length) == 8 else -1
        if not 0 < length <= _MAX_HEADER:
            raise _bad(path, "its header length is invalid")
        try:
            header = json.loads(file.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _bad(path, "its header is not JSON") from None
    header.pop("__metadata__", None)
    base = 8 + length
    tensors: dict[str, TensorInfo] = {}
    for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        if entry.get("dtype") not in CODES:
            raise _bad(path, f"tensor {name} has unsupported dtype {entry.get('dtype')}")
        dtype, shape = CODES[entry["dtype"]], tuple(int(n) for n in entry["shape"])
        start, end = (base + int(n) for n in entry["data_offsets"])
        if end - start != nbytes(dtype, shape):
            raise _bad(path, f"tensor {name}'s byte range does not match its shape")
        tensors[name] = TensorInfo(dtype, shape, start, end)
    return tensors


def read_tensor(path: Path, info: TensorInfo, out: torch.Tensor | None = None) -> torch.Tensor:
    """One tensor, read into ``out`` (a uint8 buffer, e.g. pinned memory) or a new one.

    ``os.preadv`` releases the GIL, so a reader thread can fill the next block while this one computes.
    """
    buffer = torch.empty(info.nbytes, dtype=torch.uint8) if out is None else out[: info.nbytes]
    fd = os.open(path, os.O_RDONLY)
    try:
        _pread_into(fd, buffer.numpy().data, info.start, path)
    finally:
        os.close(fd)
    return buffer.view(info.dtype).reshape(info.shape)


def read_elements(path: Path, info: TensorInfo, flat_indices: list[int]) -> torch.Tensor:
    """A few elements by flat index, without reading the rest of the tensor."""
    size = info.dtype.itemsize
    raw = bytearray(size * len(flat_indices))
    fd = os.open(path, os.O_RDONLY)
    try:
        for slot, index in enumerate(flat_indices):
            view = memoryview(raw)[slot * size : (slot + 1) * size]
            _pread_into(fd, view, info.start + index * size, path)
    finally:
        os.close(fd)
    return (
        torch.frombuffer(raw, dtype=torch.uint8).view(info.dtype) if raw else torch.empty(0, dtype=info.dtype)
    )


def write_file(
    path: Path,
    layout: list[tuple[str, torch.dtype, tuple[int, ...]]],
    produce: Callable[[str], torch.Tensor],
    metadata: dict[str, str] | None = None,
) -> None:
    """Write the tensors of ``layout`` in order, asking ``produce`` for each one only when it is due,
    so at most one tensor is in memory however big the file."""
    header: dict[str, object] = {"__metadata__": metadata or {"format": "pt"}}
    offset = 0
    for name, dtype, shape in layout:
        size = nbytes(dtype, shape)
        header[name] = {"dtype": NAMES[dtype], "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the data section starts 8-byte aligned, as the format asks
    with path.open("wb") as file:
        file.write(struct.pack("<Q", len(raw)) + raw)
        for name, dtype, shape in layout:
            tensor = produce(name)
            if tensor.dtype != dtype or tuple(tensor.shape) != shape:
                raise ValueError(
                    f"{name}: expected {dtype} {shape}, got {tensor.dtype} {tuple(tensor.shape)}"
                )
            file.write(tensor.contiguous().reshape(-1).view(torch.uint8).numpy().data)


def _pread_into(fd: int, view: memoryview, offset: int, path: Path) -> None:
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done : done + READ_CHUNK]], offset + done)
        if got == 0:
            raise _bad(path, "it is shorter than its header says (truncated?)")
        done += got


def _bad(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"{path.name} is not a valid safetensors file: {why}.", code="bad_weights")
