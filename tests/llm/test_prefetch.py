"""The prefetching offload executor: the same outputs as plain accelerate and as the resident model,
the same bytes moved, and each block's weights requested before the block runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from deckchat.llm import prefetch
from deckchat.llm.load import load_model
from deckchat.llm.local import kv_cache
from deckchat.llm.synthetic import write_random_model
from deckchat.settings import Settings
from tests.llm import tiny

pytestmark = pytest.mark.slow
PROMPT = torch.tensor([[11, 200, 37, 5, 480, 9, 301, 64, 2, 150]])
STEPS = 6


@pytest.fixture(scope="module", params=["gptj", "llama"])
def model_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = tiny.gptj() if request.param == "gptj" else tiny.llama()
    out = tmp_path_factory.mktemp(f"random-{request.param}")
    write_random_model(config, out, dtype=torch.float32, max_shard_size=200_000, std=0.2)
    return out


def offloaded(model_dir: Path, tmp_path: Path, executor: str) -> Any:
    """Half the blocks fit the RAM budget; the rest, and the head, are read from disk per forward."""
    total = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    return load_model(
        model_dir,
        device_map="auto",
        max_memory={"cpu": total // 2},
        offload_folder=tmp_path / f"offload-{executor}",
        dtype=torch.float32,
        options=Settings(home=tmp_path / "home").llm_options,
        executor=executor,
    )


def decode(model: Any) -> tuple[list[int], list[torch.Tensor]]:
    """Greedy decoding with the KV cache, keeping every step's logits."""
    tokens: list[int] = []
    steps: list[torch.Tensor] = []
    cache = kv_cache(model)
    with torch.inference_mode():
        out = model(input_ids=PROMPT, use_cache=True, **cache)
        for _ in range(STEPS):
            steps.append(out.logits[:, -1].clone())
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            tokens.append(int(token))
            out = model(input_ids=token, use_cache=True, **cache)
    return tokens, steps


def test_both_executors_decode_like_the_resident_model(model_dir: Path, tmp_path: Path) -> None:
    expected_tokens, expected_logits = decode(load_model(model_dir, dtype=torch.float32))
    assert len(set(expected_tokens)) > 1
    results = {}
    for executor in prefetch.EXECUTORS:
        model = offloaded(model_dir, tmp_path, executor)
        assert "disk" in set(model.hf_device_map.values()) and "cpu" in set(model.hf_device_map.values())
        results[executor] = decode(model)
        tokens, logits = results[executor]
        assert tokens == expected_tokens, executor
        # Same weights; a kernel may round differently when a weight sits at another alignment.
        for got, want in zip(logits, expected_logits, strict=True):
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    for ours, plain in zip(results["prefetch"][1], results["accelerate"][1], strict=True):
        torch.testing.assert_close(ours, plain, rtol=1e-5, atol=1e-5)


def test_both_executors_move_the_same_bytes_per_token(model_dir: Path, tmp_path: Path) -> None:
    moved = {}
    for executor in prefetch.EXECUTORS:
        model = offloaded(model_dir, tmp_path, executor)
        traffic = prefetch.traffic_of(model)
        assert traffic is not None
        decode(model)  # warms up; the prefetcher has read ahead for the next token by now
        before = traffic.bytes
        decode(model)
        moved[executor] = traffic.bytes - before
    disk = [name for name, where in model.hf_device_map.items() if where == "disk"]
    stored = _stored_sizes(model_dir)
    on_disk = sum(size for name, size in stored.items() if any(name.startswith(f"{d}.") for d in disk))
    # The prompt pass and STEPS decode passes each read every weight on disk once.
    assert moved["accelerate"] == on_disk * (STEPS + 1)
    # Read-ahead crosses the window's edges: the next pass's first blocks, not this one's.
    assert moved["prefetch"] == pytest.approx(moved["accelerate"], rel=0.2)


def _stored_sizes(model_dir: Path) -> dict[str, int]:
    from deckchat.llm.tensorfile import read_header

    return {n: info.nbytes for f in model_dir.glob("*.safetensors") for n, info in read_header(f).items()}


def test_every_block_is_requested_before_it_runs(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a block is due, its read was already queued while earlier blocks computed; the wrap-around
    queues the first blocks of the next forward pass during the last ones of this pass."""
    runs: list[tuple[int, bool]] = []  # (block, was its read queued before it was due?)
    take = prefetch.Prefetcher._take

    def logged_take(self: prefetch.Prefetcher, unit: int) -> dict[int, dict[str, torch.Tensor]]:
        runs.append((unit, unit in self._pending))
        return take(self, unit)

    monkeypatch.setattr(prefetch.Prefetcher, "_take", logged_take)
    model = offloaded(model_dir, tmp_path, "prefetch")
    units = len(model._deckchat_prefetcher.units)
    assert units >= 3
    with torch.inference_mode():
        model(input_ids=PROMPT)
        first = list(runs)
        runs.clear()
        model(input_ids=PROMPT)
    assert first == [(0, False)] + [(u, True) for u in range(1, units)]  # nothing to read ahead of block 0
    assert runs == [(u, True) for u in range(units)]


def test_buffers_are_reused_once_nothing_refers_to_them() -> None:
    pool = prefetch.BufferPool(pinned=False)
    first = pool.get(1000)
    address = first.data_ptr()
    # Handed out and not yet read into: a second reader thread must get another buffer.
    assert pool.get(1000).data_ptr() != address
    view = first[:10]
    del first
    assert pool.get(1000).data_ptr() != address  # still referenced through the view
    del view
    assert pool.get(800).data_ptr() == address
    assert pool.get(5000).numel() == 5000  # too small a buffer is never handed out


def test_a_model_with_nothing_offloaded_is_left_alone(model_dir: Path) -> None:
    model = load_model(model_dir, dtype=torch.float32)
    assert prefetch.install(model, "prefetch") is None
    assert prefetch.traffic_of(model) is None


@pytest.mark.gpu
def test_on_a_gpu_the_prefetcher_copies_on_a_side_stream_and_matches(model_dir: Path, tmp_path: Path) -> None:
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    total = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    results = []
    for executor in prefetch.EXECUTORS:
        model = load_model(
            model_dir,
            device_map="auto",
            max_memory={0: total // 3, "cpu": total // 3},
            offload_folder=tmp_path / f"gpu-{executor}",
            dtype=torch.float32,
            options=Settings(home=tmp_path / "home").llm_options,
            executor=executor,
        )
        assert {0, "cpu", "disk"} <= set(model.hf_device_map.values())
        results.append(decode(model))
    assert results[0][0] == results[1][0]
    for got, want in zip(results[0][1], results[1][1], strict=True):
        torch.testing.assert_close(got, want)
