from __future__ import annotations

import pytest

from deckchat.cpu import available_cores, cpu_threads


def test_threads_follow_omp_num_threads_but_never_exceed_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = available_cores()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert cpu_threads() == cores
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert cpu_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", str(cores + 7))
    assert cpu_threads() == cores
    for meaningless in ("0", "", "two", "-3"):
        monkeypatch.setenv("OMP_NUM_THREADS", meaningless)
        assert cpu_threads() == cores
