"""How many threads a compute library (torch, onnxruntime) should use in this process.

The cores this process may run on, or fewer where ``OMP_NUM_THREADS`` says so: the usual knob for
processes that share a machine (several servers, test workers), each taking its share. More threads
than free cores make OpenMP threads spin and wait on each other, many times slower than fewer threads.
"""

from __future__ import annotations

import os


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def cpu_threads() -> int:
    cores = available_cores()
    configured = os.environ.get("OMP_NUM_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return min(cores, int(configured))
    return cores
