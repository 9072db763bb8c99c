"""The prefetching offload executor: the same outputs as plain accelerate and as the resident model,
the same bytes moved, and each block's weights requested before the block runs."""

from __future__ import annotations

import os
import shutil
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


def offloaded(
    model_dir: Path,
    tmp_path: Path,
    executor: str = "prefetch",
    offload_dtype: str | None = None,
    folder: Path | None = None,
) -> Any:
    """Half the blocks fit the RAM budget; the rest, and the head, are read from disk per forward."""
    total = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    return load_model(
        model_dir,
        device_map="auto",
        max_memory={"cpu": total // 2},
        offload_folder=folder or tmp_path / f"offload-{executor}",
        dtype=torch.float32,
        options=Settings(home=tmp_path / "home").llm_options,
        executor=executor,
        offload_dtype=offload_dtype,
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
        moved[executor] = _moved_per_decode(model)
    stored = _stored_sizes(model_dir)
    on_disk = sum(size for name, size in stored.items() if _on_disk(model, name))
    # The prompt pass and STEPS decode passes each read every weight on disk once.
    assert moved["accelerate"] == on_disk * (STEPS + 1)
    # Read-ahead crosses the window's edges: the next pass's first blocks, not this one's.
    assert moved["prefetch"] == pytest.approx(moved["accelerate"], rel=0.2)


def _moved_per_decode(model: Any) -> int:
    traffic = prefetch.traffic_of(model)
    assert traffic is not None
    decode(model)  # warms up; the prefetcher has read ahead for the next token by now
    before = traffic.bytes
    decode(model)
    return traffic.bytes - before


def _on_disk(model: Any, tensor: str) -> bool:
    return any(tensor.startswith(f"{m}.") for m, where in model.hf_device_map.items() if where == "disk")


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


def _quantized_reference(model_dir: Path, keys: list[str], scheme: str) -> Any:
    """The resident model with exactly the named weights replaced by their quantised round trip."""
    from deckchat.llm import quantize

    model = load_model(model_dir, dtype=torch.float32)
    with torch.no_grad():
        for key in keys:
            weight = model.get_parameter(key)
            weight.copy_(quantize.dequantize(*quantize.quantize(weight, scheme), torch.float32))
    return model


@pytest.mark.parametrize("scheme", ["int8", "int4"])
def test_quantised_offload_decodes_like_the_model_with_its_disk_weights_rounded(
    model_dir: Path, tmp_path: Path, scheme: str
) -> None:
    """Streaming int8/int4 from disk changes nothing but the Linear weights on disk, each within
    half its scale (test_quantize.py): the logits match the resident model with exactly those
    weights rounded, and move away from the float model's."""
    folder = tmp_path / "offload"
    model = offloaded(model_dir, tmp_path, offload_dtype=scheme, folder=folder)
    store = model._deckchat_prefetcher.quantized
    assert store is not None and store.path.parent == folder / scheme
    keys = store.keys()
    assert keys and all(_on_disk(model, k) for k in keys)
    assert all(
        k.endswith(".weight") and "norm" not in k and "embed" not in k and "wte" not in k for k in keys
    )
    tokens, logits = decode(model)
    want_tokens, want_logits = decode(_quantized_reference(model_dir, keys, scheme))
    assert tokens == want_tokens
    for got, want in zip(logits, want_logits, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    _, float_logits = decode(load_model(model_dir, dtype=torch.float32))
    assert any(
        not torch.allclose(got, exact, atol=1e-5) for got, exact in zip(logits, float_logits, strict=True)
    )


def test_quantised_offload_reads_the_quantised_bytes_per_token(model_dir: Path, tmp_path: Path) -> None:
    moved, expected = {}, {}
    for scheme in ("off", "int8"):
        # off is the default: the options say off
        model = offloaded(
            model_dir, tmp_path, offload_dtype=None if scheme == "off" else scheme, folder=tmp_path / scheme
        )
        moved[scheme] = _moved_per_decode(model)
        stored = _stored_sizes(model_dir)
        on_disk = sum(size for n, size in stored.items() if _on_disk(model, n))
        store = model._deckchat_prefetcher.quantized
        if store is None:  # off: nothing written, the float bytes streamed
            assert scheme == "off" and not list((tmp_path / scheme).rglob("*.safetensors"))
            expected[scheme] = on_disk
            continue
        keys = store.keys()
        quantised = sum(info.nbytes for k in keys for _, info in store.parts(k) or [])
        expected[scheme] = on_disk - sum(stored[k] for k in keys) + quantised
    for scheme in moved:
        assert moved[scheme] == pytest.approx(expected[scheme] * (STEPS + 1), rel=0.2)
    assert expected["int8"] < expected["off"] / 2  # float32 Linear weights shrink to about a quarter


def test_quantised_offload_needs_the_prefetch_executor(model_dir: Path, tmp_path: Path) -> None:
    from deckchat.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        offloaded(model_dir, tmp_path, "accelerate", offload_dtype="int8")
    assert raised.value.code == "bad_offload_dtype"


def test_a_second_load_reuses_the_quantised_weights_until_the_source_changes(
    model_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "model"
    shutil.copytree(model_dir, source)

    def load() -> os.stat_result:
        model = offloaded(source, tmp_path, offload_dtype="int8", folder=tmp_path / "offload")
        return os.stat(model._deckchat_prefetcher.quantized.path)

    first = load()
    again = load()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    for shard in source.glob("*.safetensors"):  # re-saved: same names, new modification times
        os.utime(shard, ns=(first.st_mtime_ns + 10**9, first.st_mtime_ns + 10**9))
    changed = load()
    assert changed.st_ino != first.st_ino


@pytest.mark.gpu
def test_on_a_gpu_quantised_blocks_are_copied_small_and_dequantised_there(
    model_dir: Path, tmp_path: Path
) -> None:
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    total = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    model = load_model(
        model_dir,
        device_map="auto",
        max_memory={0: total // 3, "cpu": total // 3},
        offload_folder=tmp_path / "gpu-int8",
        dtype=torch.float32,
        offload_dtype="int8",
    )
    assert {0, "cpu", "disk"} <= set(model.hf_device_map.values())
    store = model._deckchat_prefetcher.quantized
    assert store is not None
    tokens, logits = decode(model)
    # The same rounded weights on the CPU; the GPU's kernels round differently in the last bits.
    want_tokens, want_logits = decode(_quantized_reference(model_dir, store.keys(), "int8"))
    assert tokens == want_tokens
    for got, want in zip(logits, want_logits, strict=True):
        torch.testing.assert_close(got.cpu(), want, rtol=1e-3, atol=1e-3)
