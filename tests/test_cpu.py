from __future__ import annotations

from collections.abc import Iterator

import pytest

from deckchat.cpu import available_cores, cpu_threads, share_cores
from deckchat.settings import Settings


@pytest.fixture
def restore_share() -> Iterator[None]:
    before = cpu_threads()
    yield
    share_cores(before if before < available_cores() else 0)


@pytest.mark.usefixtures("restore_share")
def test_threads_follow_the_share_but_never_exceed_the_cores() -> None:
    cores = available_cores()
    share_cores(0)
    assert cpu_threads() == cores
    share_cores(1)
    assert cpu_threads() == 1
    share_cores(cores + 7)
    assert cpu_threads() == cores


def test_the_share_is_read_from_omp_num_threads_and_nonsense_means_every_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert Settings().compute_threads == 3
    for meaningless in ("0", "", "two", "-3", "4,2"):
        monkeypatch.setenv("OMP_NUM_THREADS", meaningless)
        assert Settings().compute_threads == 0
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert Settings().compute_threads == 0
    assert Settings(compute_threads=2).compute_threads == 2
