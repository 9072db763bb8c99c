"""Link bandwidths for the per-token time floor: measured on this machine, given, or assumed.

Offloaded weights cross a link once per token: disk to RAM, RAM to GPU over PCIe, and every weight is
read from the memory it lives in. Measuring takes about a second; a user with better figures (or a
GPU machine to plan for from a laptop) gives them on the command line.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deckchat.core.errors import InvalidInput

LINKS = ("gpu", "pcie", "cpu", "disk")
# Used only when a link can't be measured here (no GPU): a PCIe 4.0 x16 link carries ~25 GB/s in
# practice and a data-centre GPU reads its own memory at ~1-3 TB/s; 900 GB/s is a mid-range card.
ASSUMED = {"gpu": 900e9, "pcie": 25e9}
_PROBE_BYTES = 256 * 2**20
_UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40}


@dataclass
class Bandwidths:
    """Bytes per second of each link, and where each figure came from."""

    rates: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def parse_rates(text: str) -> dict[str, float]:
    """``"pcie=25GB/s,disk=2GB/s"`` into bytes per second."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        name = name.strip().lower()
        if name not in LINKS or not value:
            raise InvalidInput(
                f"Bandwidth {item!r} should look like pcie=25GB/s; links are {', '.join(LINKS)}.",
                code="bad_bandwidth",
            )
        rates[name] = parse_bytes(value.strip().removesuffix("/s"))
    return rates


def parse_bytes(text: str) -> float:
    """``"16GiB"``, ``"2GB"``, ``"512MB"`` or a plain number of bytes."""
    number = text.upper().rstrip("B").strip()
    digits = number.rstrip("KMGTI")
    unit = number[len(digits) :]
    try:
        return float(digits) * _UNITS[unit]
    except (ValueError, KeyError):
        raise InvalidInput(f"{text!r} is not a size like 16GiB or 2GB.", code="bad_size") from None


def measure(scratch: Path, given: dict[str, float] | None = None) -> Bandwidths:
    """Given figures first; then what this machine measures; then the assumptions above."""
    result = Bandwidths()
    for name, figure in (given or {}).items():
        result.rates[name], result.sources[name] = figure, "given"
    probes: dict[str, Callable[[], float | None]] = {
        "cpu": _ram_read,
        "disk": lambda: _disk_read(scratch),
        "gpu": _gpu_read,
        "pcie": _pcie_copy,
    }
    for name in LINKS:
        if name in result.rates:
            continue
        measured = probes[name]()
        if measured is not None:
            result.rates[name], result.sources[name] = measured, "measured"
        else:
            result.rates[name], result.sources[name] = ASSUMED[name], "assumed"
    return result


def _best_of(run: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _ram_read() -> float:
    data = np.ones(_PROBE_BYTES // 8, dtype=np.float64)
    return _PROBE_BYTES / _best_of(data.sum)


def _disk_read(scratch: Path) -> float | None:
    """Read a fresh file after asking the kernel to drop it from the page cache."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=scratch, prefix="bandwidth-") as handle:
        block = os.urandom(4 * 2**20)
        for _ in range(_PROBE_BYTES // len(block)):
            handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
        fd = os.open(handle.name, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            start = time.perf_counter()
            while os.read(fd, 8 * 2**20):
                pass
            return _PROBE_BYTES / (time.perf_counter() - start)
        finally:
            os.close(fd)


def _gpu_read() -> float | None:
    import torch

    if not torch.cuda.is_available():
        return None
    data = torch.ones(_PROBE_BYTES // 2, dtype=torch.float16, device="cuda")

    def run() -> None:
        data.sum()
        torch.cuda.synchronize()

    run()
    return _PROBE_BYTES / _best_of(run)


def _pcie_copy() -> float | None:
    import torch

    if not torch.cuda.is_available():
        return None
    host = torch.ones(_PROBE_BYTES // 2, dtype=torch.float16).pin_memory()

    def run() -> None:
        host.to("cuda", non_blocking=True)
        torch.cuda.synchronize()

    run()
    return _PROBE_BYTES / _best_of(run)
