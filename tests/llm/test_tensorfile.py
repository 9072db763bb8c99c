"""safetensors files read and written one tensor at a time, checked against the safetensors package."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from deckchat.core.errors import InvalidInput
from deckchat.llm.tensorfile import nbytes, read_elements, read_header, read_tensor, write_file

TENSORS = {
    "embed.weight": torch.arange(24, dtype=torch.float32).reshape(4, 6),
    "norm.weight": torch.tensor([1.5, -2.0], dtype=torch.bfloat16),
    "step_ids": torch.arange(5, dtype=torch.int64),
    "mask": torch.tensor([True, False, True]),
}


def test_what_we_write_the_safetensors_package_reads(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    asked: list[str] = []

    def produce(name: str) -> torch.Tensor:
        asked.append(name)
        return TENSORS[name]

    write_file(path, [(n, t.dtype, tuple(t.shape)) for n, t in TENSORS.items()], produce)
    assert asked == list(TENSORS)  # one at a time, in layout order
    loaded = load_file(str(path))
    assert set(loaded) == set(TENSORS) and all(torch.equal(loaded[n], t) for n, t in TENSORS.items())


def test_what_the_safetensors_package_writes_we_read_whole_or_by_element(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_file(TENSORS, str(path))
    header = read_header(path)
    assert set(header) == set(TENSORS)
    for name, tensor in TENSORS.items():
        info = header[name]
        assert (info.dtype, info.shape, info.nbytes) == (
            tensor.dtype,
            tuple(tensor.shape),
            nbytes(tensor.dtype, tensor.shape),
        )
        assert torch.equal(read_tensor(path, info), tensor)
    buffer = torch.empty(1024, dtype=torch.uint8)
    assert torch.equal(read_tensor(path, header["embed.weight"], buffer), TENSORS["embed.weight"])
    assert read_elements(path, header["embed.weight"], [0, 7, 23]).tolist() == [0.0, 7.0, 23.0]
    assert read_elements(path, header["step_ids"], []).numel() == 0


def test_a_tensor_that_does_not_match_its_layout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"x: expected torch.float16 \(2,\), got torch.float32 \(2,\)"):
        write_file(tmp_path / "w.safetensors", [("x", torch.float16, (2,))], lambda _: torch.zeros(2))


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "header length is invalid"),
        (struct.pack("<Q", 10**12), "header length is invalid"),
        (struct.pack("<Q", 4) + b"\xff{]}", "header is not JSON"),
        (struct.pack("<Q", 2) + b"{}", None),  # an empty file is valid
    ],
)
def test_broken_headers_are_invalid_input(tmp_path: Path, raw: bytes, why: str | None) -> None:
    path = tmp_path / "w.safetensors"
    path.write_bytes(raw)
    if why is None:
        assert read_header(path) == {}
        return
    with pytest.raises(InvalidInput, match=why) as caught:
        read_header(path)
    assert caught.value.code == "bad_weights"


def test_a_truncated_file_or_a_wrong_byte_range_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_file({"x": torch.ones(64)}, str(path))
    info = read_header(path)["x"]
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(InvalidInput, match="shorter than its header says"):
        read_tensor(path, info)
    header = b'{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}'
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(InvalidInput, match="byte range does not match its shape"):
        read_header(path)
    header = b'{"x":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}'
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(InvalidInput, match="unsupported dtype C64"):
        read_header(path)
