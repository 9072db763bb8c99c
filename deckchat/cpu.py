"""How many threads a compute library (torch, onnxruntime) should use in this process.

The cores this process may run on, or fewer where the settings say so (``compute_threads``, read from
``OMP_NUM_THREADS``: the usual knob for processes that share a machine, such as several servers or
test workers, each taking its share). More threads than free cores make OpenMP threads spin and wait on
each other, many times slower than fewer threads. The process's start (``deckchat.bootstrap``) sets
the share once; nothing here reads the environment.
"""

from __future__ import annotations

import os

_share = 0  # threads the settings allow; 0 means every available core


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def share_cores(threads: int) -> None:
    """Use at most ``threads`` threads from now on (0: every available core)."""
    global _share
    _share = max(0, threads)


def cpu_threads() -> int:
    cores = available_cores()
    return min(cores, _share) if _share > 0 else cores
