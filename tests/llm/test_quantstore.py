"""The quantised copies in the offload folder: written once, reused while the source is unchanged,
written again when it changes or a write was cut short."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from deckchat.llm import quantize
from deckchat.llm.quantstore import MARKER, WEIGHTS, Source, prepare
from deckchat.llm.tensorfile import read_header, read_tensor, write_file

SHAPES = {"a.weight": (16, 64), "b.weight": (8, 64)}


def write_source(path: Path, seed: int) -> list[Source]:
    generator = torch.Generator().manual_seed(seed)
    tensors = {name: torch.randn(*shape, generator=generator) for name, shape in SHAPES.items()}
    layout = [(name, torch.float32, shape) for name, shape in SHAPES.items()]
    write_file(path, layout, tensors.__getitem__)
    header = read_header(path)
    return [Source(f"model.{name}", str(path), header[name]) for name in SHAPES]


def stored(store_parts: list[tuple[str, object]]) -> tuple[torch.Tensor, ...]:
    return tuple(read_tensor(Path(file), info) for file, info in store_parts)  # type: ignore[arg-type]


@pytest.mark.parametrize("scheme", quantize.SCHEMES)
def test_the_store_holds_each_weight_quantised_from_its_source(tmp_path: Path, scheme: str) -> None:
    sources = write_source(tmp_path / "model.safetensors", seed=1)
    store = prepare(tmp_path / "offload", scheme, sources)
    assert sorted(store.keys()) == sorted(s.key for s in sources)
    for source in sources:
        parts = store.parts(source.key)
        assert parts is not None
        q, scale = stored(parts)
        original = read_tensor(Path(source.file), source.info)
        want_q, want_scale = quantize.quantize(original, scheme)
        assert torch.equal(q, want_q) and torch.equal(scale, want_scale)


def test_a_second_load_reuses_the_file(tmp_path: Path) -> None:
    sources = write_source(tmp_path / "model.safetensors", seed=1)
    first = prepare(tmp_path / "offload", "int8", sources)
    before = os.stat(first.path)
    second = prepare(tmp_path / "offload", "int8", sources)
    after = os.stat(second.path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_changed_source_is_quantised_again(tmp_path: Path) -> None:
    source_file = tmp_path / "model.safetensors"
    first = prepare(tmp_path / "offload", "int8", write_source(source_file, seed=1))
    old = stored(first.parts("model.a.weight") or [])
    before = os.stat(first.path).st_ino
    os.utime(source_file, ns=(1, 1))  # a re-written source: new bytes, new modification time
    sources = write_source(source_file, seed=2)
    second = prepare(tmp_path / "offload", "int8", sources)
    new = stored(second.parts("model.a.weight") or [])
    assert os.stat(second.path).st_ino != before
    assert not torch.equal(old[0], new[0])
    want = quantize.quantize(read_tensor(source_file, sources[0].info), "int8")
    assert torch.equal(new[0], want[0])


def test_a_write_cut_short_is_not_trusted(tmp_path: Path) -> None:
    sources = write_source(tmp_path / "model.safetensors", seed=1)
    first = prepare(tmp_path / "offload", "int8", sources)
    before = os.stat(first.path).st_ino
    (first.path.parent / MARKER).unlink()  # as if the process died before the marker
    again = prepare(tmp_path / "offload", "int8", sources)
    assert os.stat(again.path).st_ino != before
    assert (again.path.parent / MARKER).is_file() and again.path.name == WEIGHTS


def test_schemes_are_kept_apart(tmp_path: Path) -> None:
    sources = write_source(tmp_path / "model.safetensors", seed=1)
    int8 = prepare(tmp_path / "offload", "int8", sources)
    int4 = prepare(tmp_path / "offload", "int4", sources)
    assert int8.path != int4.path
    assert int4.path.stat().st_size < int8.path.stat().st_size
