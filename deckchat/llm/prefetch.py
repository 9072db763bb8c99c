"""An offload executor that fetches the next offloaded block while the current one computes.

accelerate's offload hooks load a block's weights when the block is called and drop them after:
each read from disk (or copy from CPU to GPU) happens while the processor waits, and nothing is
read ahead. This module keeps accelerate's placement and hooks, and replaces only where the hooks
get their weights: reader threads load block i+1 (and up to ``depth`` blocks ahead, wrapping
around to the first block for the next token) while block i runs.

- From disk, tensors are read with ``pread`` into fresh buffers, which releases the GIL, and cast
  to the block's dtype in the same thread.
- On a GPU, they are read into pinned host memory and copied on a side CUDA stream; the block waits
  on that copy's event, so copies overlap compute instead of stalling it.

The weights are the same bytes the plain hooks would load, so outputs are identical; unless the
model was loaded with a quantised offload (``quantstore.py``), when the Linear weights on disk are
read as int8 or int4 and dequantised to the block's dtype here, after the read (and after the copy
to the GPU, so that link moves the small form too).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import InvalidInput
from deckchat.llm import quantize
from deckchat.llm.blocks import blocks
from deckchat.llm.quantstore import QuantizedStore, Source, prepare
from deckchat.llm.tensorfile import TensorInfo, nbytes, read_header, read_tensor

EXECUTORS = ("prefetch", "accelerate")
OFFLOAD_DTYPES = ("off", *quantize.SCHEMES)
Stored = torch.Tensor | tuple[torch.Tensor, ...]  # a tensor as read: itself, or its quantised parts


@dataclass
class Leaf:
    """One hooked module: the tensors its hook asks for each forward, their dtypes, and the hook's
    original map, which knows where they are stored."""

    name: str
    tensors: dict[str, torch.dtype]
    weights: Mapping[str, torch.Tensor]


@dataclass
class Loaded:
    tensors: dict[int, dict[str, torch.Tensor]]  # leaf index -> its tensors
    ready: Any = None  # a CUDA event, when the copies run on a side stream


class Traffic:
    """Bytes read from offload storage (as stored, before any cast), for the bytes-per-token figure."""

    def __init__(self) -> None:
        self.bytes = 0
        self.cold = False  # evict what was just read from the page cache: every token reads from disk
        self._lock = threading.Lock()
        self._headers: dict[str, dict[str, TensorInfo]] = {}

    def add(self, n: int) -> None:
        with self._lock:
            self.bytes += n

    def header(self, file: str) -> dict[str, TensorInfo]:
        with self._lock:
            if file not in self._headers:
                self._headers[file] = read_header(Path(file))
            return self._headers[file]

    def count(self, weights: Mapping[str, torch.Tensor], name: str, tensor: torch.Tensor) -> None:
        """Count a tensor the plain hooks just read, as stored on disk."""
        place = _safetensors_place(weights, name)
        if place is None:
            self.add(tensor.numel() * tensor.element_size())
            return
        info = self.header(place[0])[place[1]]
        self.add(info.nbytes)
        self.after_read(place[0], info)

    def after_read(self, file: str, info: TensorInfo) -> None:
        if self.cold:
            fd = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, info.start, info.nbytes, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


class BufferPool:
    """Reusable read buffers, one per block in flight.

    Fresh memory costs a page fault and a zeroed page per 4 KB, about as much CPU as the read itself;
    a buffer is reused once nothing refers to it any more: the hooks have put the block's weights
    back on the meta device, dropping the views into it, and its copy to the GPU (if any) is done.
    """

    def __init__(self, pinned: bool) -> None:
        self.pinned = pinned
        self._buffers: list[tuple[torch.Tensor, int]] = []  # (buffer, its use count when idle)
        self._copies: dict[int, Any] = {}  # buffer's data_ptr -> event of its last copy to the GPU
        self._lock = threading.Lock()

    def get(self, size: int) -> torch.Tensor:
        """A buffer of at least ``size`` bytes, as a view: made under the lock, the view counts as a
        use at once, so a second reader thread cannot be handed the same buffer before the first
        has read into it."""
        with self._lock:
            for buffer, idle in self._buffers:
                if buffer.numel() >= size and _use_count(buffer) == idle and self._copied(buffer):
                    return buffer[:]
            buffer = torch.empty(size, dtype=torch.uint8, pin_memory=self.pinned)
            if _use_count(buffer) >= 0:  # without the counter, buffers are never reused
                self._buffers.append((buffer, _use_count(buffer)))
            return buffer[:]

    def copied_with(self, buffer: torch.Tensor, event: Any) -> None:
        self._copies[buffer.data_ptr()] = event

    def _copied(self, buffer: torch.Tensor) -> bool:
        event = self._copies.get(buffer.data_ptr())
        return event is None or bool(event.query())


def _use_count(buffer: torch.Tensor) -> int:
    """How many tensors share ``buffer``'s memory; -1 where this torch cannot tell."""
    count = getattr(torch._C, "_storage_Use_Count", None)
    return int(count(buffer.untyped_storage()._cdata)) if count else -1


class Prefetcher:
    """Loads units (transformer blocks) of leaves in ``readers`` threads, ``depth`` units ahead."""

    def __init__(
        self,
        units: list[list[int]],
        leaves: list[Leaf],
        device: torch.device,
        depth: int = 2,
        readers: int = 2,
        quantized: QuantizedStore | None = None,
    ) -> None:
        self.units, self.leaves, self.device, self.depth = units, leaves, device, depth
        self.quantized = quantized
        self.unit_of = {leaf: u for u, members in enumerate(units) for leaf in members}
        self.traffic = Traffic()
        self._pending: dict[int, Future[Loaded]] = {}
        self._ready: dict[int, dict[str, torch.Tensor]] = {}
        # Two reads in flight keep the disk busier than one: 1.64 against 1.26 tokens/s on 2 cores
        # (bench/RESULTS.md); a third added little.
        self._pool = ThreadPoolExecutor(readers, thread_name_prefix="deckchat-prefetch")
        self._stream = torch.cuda.Stream(device) if device.type == "cuda" else None  # type: ignore[no-untyped-call]
        self._buffers = BufferPool(pinned=self._stream is not None)
        self._dequantized = BufferPool(pinned=False)  # on the CPU, what quantised weights become

    def claim(self, leaf: int) -> dict[str, torch.Tensor]:
        """A leaf's tensors for this forward, on the execution device; loads its unit if needed."""
        if leaf not in self._ready:
            self._ready.update(self._take(self.unit_of[leaf]))
        return self._ready.pop(leaf)

    def load_one(self, leaf: Leaf, name: str) -> torch.Tensor:
        """One tensor, as the plain hooks would get it: for a name the leaf did not predict."""
        tensor = self._fetch(leaf, name)
        dtype = leaf.tensors.get(name)
        if isinstance(tensor, tuple):
            return quantize.dequantize(tensor[0], tensor[1], dtype or torch.float32)
        return tensor if dtype is None else tensor.to(dtype)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def _take(self, unit: int) -> dict[int, dict[str, torch.Tensor]]:
        future = self._pending.pop(unit, None) or self._pool.submit(self._load, unit)
        for ahead in range(1, self.depth + 1):
            following = (unit + ahead) % len(self.units)  # past the last block: the next token's first
            if following != unit and following not in self._pending:
                self._pending[following] = self._pool.submit(self._load, following)
        loaded = future.result()
        if loaded.ready is not None:
            current = torch.cuda.current_stream(self.device)
            current.wait_event(loaded.ready)
            for tensors in loaded.tensors.values():
                for tensor in tensors.values():
                    tensor.record_stream(current)  # the allocator must not reuse it before compute is done
        return loaded.tensors

    def _load(self, unit: int) -> Loaded:
        """Read a unit's stored tensors into one reused buffer, as views of it; on a GPU, copy
        them on the side stream."""
        places = {
            (i, name): self._parts(self.leaves[i], name)
            for i in self.units[unit]
            for name in self.leaves[i].tensors
        }
        size = sum(_aligned(info.nbytes) for parts in places.values() for _, info in parts)
        buffer = self._buffers.get(size) if size else None
        host: dict[int, dict[str, Stored]] = {i: {} for i in self.units[unit]}
        offset = 0
        for (i, name), parts in places.items():
            if not parts:  # weights kept in RAM, or re-saved by accelerate as .dat files
                tensor = self.leaves[i].weights[name]
                self.traffic.add(tensor.numel() * tensor.element_size())
                host[i][name] = tensor
                continue
            assert buffer is not None
            read = []
            for file, info in parts:
                read.append(read_tensor(Path(file), info, buffer[offset:]))
                offset += _aligned(info.nbytes)
                self.traffic.add(info.nbytes)
                self.traffic.after_read(file, info)
            host[i][name] = read[0] if len(read) == 1 else tuple(read)
        if self._stream is None:
            return Loaded(self._cast_here(host))
        with torch.cuda.stream(self._stream):
            moved = {
                i: {name: self._moved(stored) for name, stored in tensors.items()}
                for i, tensors in host.items()
            }
            ready = torch.cuda.Event()  # type: ignore[no-untyped-call]
            ready.record(self._stream)
            loaded = Loaded({i: self._cast(i, tensors) for i, tensors in moved.items()}, ready)
        if buffer is not None:
            self._buffers.copied_with(buffer, ready)
        return loaded

    def _cast(self, leaf: int, tensors: dict[str, Stored]) -> dict[str, torch.Tensor]:
        dtypes = self.leaves[leaf].tensors
        return {name: _as_dtype(stored, dtypes[name]) for name, stored in tensors.items()}

    def _cast_here(self, host: dict[int, dict[str, Stored]]) -> dict[int, dict[str, torch.Tensor]]:
        """As ``_cast``, with quantised weights dequantised into one reused buffer per block."""
        room = {
            (i, name): nbytes(self.leaves[i].tensors[name], quantize.dequantized_shape(stored[0]))
            for i, tensors in host.items()
            for name, stored in tensors.items()
            if isinstance(stored, tuple)
        }
        if not room:
            return {i: self._cast(i, tensors) for i, tensors in host.items()}
        buffer, offset = self._dequantized.get(sum(_aligned(n) for n in room.values())), 0
        cast: dict[int, dict[str, torch.Tensor]] = {}
        for i, tensors in host.items():
            cast[i] = {}
            for name, stored in tensors.items():
                dtype = self.leaves[i].tensors[name]
                if not isinstance(stored, tuple):
                    cast[i][name] = stored.to(dtype)
                    continue
                size = room[(i, name)]
                out = (
                    buffer[offset : offset + size].view(dtype).reshape(quantize.dequantized_shape(stored[0]))
                )
                offset += _aligned(size)
                cast[i][name] = quantize.dequantize(stored[0], stored[1], dtype, out=out)
        return cast

    def _moved(self, stored: Stored) -> Stored:
        if isinstance(stored, tuple):
            return tuple(self._pin(part).to(self.device, non_blocking=True) for part in stored)
        return self._pin(stored).to(self.device, non_blocking=True)

    def _pin(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor if tensor.is_pinned() else tensor.pin_memory()

    def _parts(self, leaf: Leaf, name: str) -> list[tuple[str, TensorInfo]]:
        """Where a tensor is read from: its quantised parts, its place in a safetensors file, or
        nowhere (an empty list: accelerate holds it)."""
        quantized = self.quantized.parts(f"{leaf.name}.{name}") if self.quantized else None
        if quantized:
            return quantized
        place = _safetensors_place(leaf.weights, name)
        return [] if place is None else [(place[0], self.traffic.header(place[0])[place[1]])]

    def _fetch(self, leaf: Leaf, name: str) -> Stored:
        parts = self._parts(leaf, name)
        if not parts:
            tensor = leaf.weights[name]
            self.traffic.add(tensor.numel() * tensor.element_size())
            return tensor
        read = []
        for file, info in parts:
            read.append(read_tensor(Path(file), info))
            self.traffic.add(info.nbytes)
            self.traffic.after_read(file, info)
        return read[0] if len(read) == 1 else tuple(read)


def _as_dtype(stored: Stored, dtype: torch.dtype) -> torch.Tensor:
    if isinstance(stored, tuple):
        return quantize.dequantize(stored[0], stored[1], dtype)
    return stored.to(dtype)


def _aligned(n: int) -> int:
    """Room for ``n`` bytes, rounded up so the next tensor starts cache-line (and dtype) aligned."""
    return -(-n // 64) * 64


class PrefetchedWeights(Mapping[str, torch.Tensor]):
    """Stands in for an offload hook's ``weights_map``: the hook asks for each tensor of its module
    in a fixed order, and the first name of that order marks a new forward pass."""

    def __init__(self, prefetcher: Prefetcher, index: int) -> None:
        self._prefetcher, self._index = prefetcher, index
        self._leaf = prefetcher.leaves[index]
        self._first = next(iter(self._leaf.tensors), None)
        self._current: dict[str, torch.Tensor] = {}

    def __getitem__(self, name: str) -> torch.Tensor:
        if name == self._first:
            self._current = self._prefetcher.claim(self._index)
        tensor = self._current.pop(name, None)
        return tensor if tensor is not None else self._prefetcher.load_one(self._leaf, name)

    def __contains__(self, name: object) -> bool:
        return name in self._leaf.weights

    def __iter__(self) -> Iterator[str]:
        return iter(self._leaf.weights)

    def __len__(self) -> int:
        return len(self._leaf.weights)


class CountedWeights(Mapping[str, torch.Tensor]):
    """The plain path's ``weights_map``, unchanged except that it counts the bytes it hands out."""

    def __init__(self, weights: Mapping[str, torch.Tensor], traffic: Traffic) -> None:
        self._weights, self._traffic = weights, traffic

    def __getitem__(self, name: str) -> torch.Tensor:
        tensor = self._weights[name]
        self._traffic.count(self._weights, name, tensor)
        return tensor

    def __contains__(self, name: object) -> bool:
        return name in self._weights

    def __iter__(self) -> Iterator[str]:
        return iter(self._weights)

    def __len__(self) -> int:
        return len(self._weights)


def install(
    model: Any,
    executor: str = "prefetch",
    depth: int = 2,
    *,
    offload_dtype: str = "off",
    folder: Path | None = None,
) -> Traffic | None:
    """Make an offloaded model's hooks fetch through ``executor``; None when nothing is offloaded.

    ``accelerate`` leaves the hooks as they are and only counts their traffic. With an
    ``offload_dtype`` of int8 or int4, the Linear weights read from disk are stored quantised in
    ``folder`` (once; ``quantstore.py``) and streamed from there.
    """

    hooks = [(name, module, hook) for (name, module), hook in offload_hooks(model)]
    leaves = [Leaf(name, _tensor_dtypes(module, hook), hook.weights_map) for name, module, hook in hooks]
    kept = [i for i, leaf in enumerate(leaves) if leaf.tensors]  # e.g. rotary embeddings hold none
    if not kept:
        return None
    quantized = None
    if offload_dtype != "off":
        if executor != "prefetch" or folder is None:
            raise InvalidInput(
                f"--offload-dtype {offload_dtype} needs the prefetch executor and an offload folder.",
                code="bad_offload_dtype",
            )
        quantized = _quantized(hooks, leaves, kept, offload_dtype, folder)
    if executor == "accelerate":
        traffic = Traffic()
        for i in kept:
            hooks[i][2].weights_map = CountedWeights(leaves[i].weights, traffic)
        model._deckchat_traffic = traffic
        return traffic
    device = torch.device(hooks[kept[0]][2].execution_device)
    prefetcher = Prefetcher(_units(blocks(model), leaves, kept), leaves, device, depth, quantized=quantized)
    if device.type == "cuda":
        _pin_ram_weights(leaves)
    for i in kept:
        hooks[i][2].weights_map = PrefetchedWeights(prefetcher, i)
    model._deckchat_prefetcher = prefetcher  # lives as long as the model
    model._deckchat_traffic = prefetcher.traffic
    return prefetcher.traffic


def traffic_of(model: Any) -> Traffic | None:
    """The byte counter ``install`` put on an offloaded model."""
    return getattr(model, "_deckchat_traffic", None)


def _units(block_names: list[str], leaves: list[Leaf], kept: list[int]) -> list[list[int]]:
    """Leaves grouped by the transformer block they belong to, in order: a block is what is worth
    reading ahead as one piece, and hooks sit on its individual linear layers."""
    units: dict[str, list[int]] = {}
    for i in kept:
        name = leaves[i].name
        block = next((b for b in block_names if name == b or name.startswith(f"{b}.")), name)
        units.setdefault(block, []).append(i)
    return list(units.values())


def offload_hooks(model: Any) -> list[tuple[tuple[str, Any], Any]]:
    """``((module name, module), hook)`` for every module whose weights accelerate brings in per
    forward, in module order, which for a decoder is the order they run in."""
    from accelerate.hooks import AlignDevicesHook, SequentialHook

    found = []
    for name, module in model.named_modules():
        hook = getattr(module, "_hf_hook", None)
        candidates = hook.hooks if isinstance(hook, SequentialHook) else (hook,)
        for candidate in candidates:
            if (
                isinstance(candidate, AlignDevicesHook)
                and candidate.offload
                and candidate.weights_map is not None
            ):
                found.append(((name, module), candidate))
    return found


def _quantized(
    hooks: list[tuple[str, Any, Any]], leaves: list[Leaf], kept: list[int], scheme: str, folder: Path
) -> QuantizedStore | None:
    """The quantised store for the 2-D Linear weights read from safetensors files; norms,
    embeddings and biases stay as they are."""
    sources, headers = [], {}
    for i in kept:
        leaf, module = leaves[i], hooks[i][1]
        for name in leaf.tensors:
            owner, _, tensor = name.rpartition(".")
            place = _safetensors_place(leaf.weights, name)
            if tensor != "weight" or place is None:
                continue
            if not isinstance(module.get_submodule(owner), torch.nn.Linear):
                continue
            if place[0] not in headers:
                headers[place[0]] = read_header(Path(place[0]))
            info = headers[place[0]][place[1]]
            if quantize.quantizable(info.shape, scheme):
                sources.append(Source(f"{leaf.name}.{name}", place[0], info))
    return prepare(folder, scheme, sources) if sources else None


def _tensor_dtypes(module: Any, hook: Any) -> dict[str, torch.dtype]:
    from accelerate.utils import named_module_tensors

    tensors = named_module_tensors(
        module,
        include_buffers=hook.offload_buffers,
        recurse=hook.place_submodules,
        remove_non_persistent=True,
    )
    return {name: tensor.dtype for name, tensor in tensors}


def _safetensors_place(weights: Mapping[str, torch.Tensor], name: str) -> tuple[str, str] | None:
    """(file, tensor name) when accelerate would read this weight from a safetensors file."""
    dataset, key = getattr(weights, "dataset", None), name
    if dataset is not None:
        key = f"{getattr(weights, 'prefix', '')}{name}"
    index = getattr(dataset, "index", None) or {}
    state_dict = getattr(dataset, "state_dict", None) or {}
    entry = index.get(key) if key not in state_dict else None
    if not entry or entry.get("safetensors_file") is None:
        return None
    return entry["safetensors_file"], entry.get("weight_name", key)


def _pin_ram_weights(leaves: list[Leaf]) -> None:
    """Pin the weights accelerate keeps in RAM once, so every copy to the GPU can be asynchronous."""
    for leaf in leaves:
        state_dict = getattr(getattr(leaf.weights, "dataset", None), "state_dict", None)
        if not state_dict:
            continue
        for key, tensor in list(state_dict.items()):
            if tensor.device.type == "cpu" and not tensor.is_pinned():
                state_dict[key] = tensor.pin_memory()
