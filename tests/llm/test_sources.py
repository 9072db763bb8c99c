"""Model weights listed from metadata and read one tensor at a time: safetensors and PyTorch .bin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from deckchat.core.errors import InvalidInput
from deckchat.llm.sources import BinSource, Entry, SafetensorsSource, open_source

STATE = {
    "model.embed.weight": torch.arange(12, dtype=torch.float16).reshape(3, 4),
    "model.layers.0.weight": torch.linspace(0, 1, 8),
    "model.step_ids": torch.arange(4),
}


def sharded(folder: Path, kind: str) -> Path:
    """``STATE`` in two files with an index, as from_pretrained writes a big model."""
    folder.mkdir()
    names = list(STATE)
    files = {
        "safetensors": ("model-1.safetensors", "model-2.safetensors"),
        "bin": ("pytorch_model-1.bin", "pytorch_model-2.bin"),
    }[kind]
    parts = {files[0]: names[:2], files[1]: names[2:]}
    for file, part in parts.items():
        tensors = {n: STATE[n] for n in part}
        if kind == "safetensors":
            save_file(tensors, str(folder / file))
        else:
            torch.save(tensors, folder / file)
    index = "model.safetensors.index.json" if kind == "safetensors" else "pytorch_model.bin.index.json"
    weight_map = {n: file for file, part in parts.items() for n in part}
    (folder / index).write_text(json.dumps({"weight_map": weight_map}))
    return folder


@pytest.mark.parametrize(("kind", "reader"), [("safetensors", SafetensorsSource), ("bin", BinSource)])
def test_a_sharded_folder_lists_and_hands_out_every_tensor(tmp_path: Path, kind: str, reader: type) -> None:
    source = open_source(sharded(tmp_path / "model", kind))
    assert isinstance(source, reader) and source.folder == tmp_path / "model"
    assert {e.name: e for e in source.entries()} == {
        n: Entry(n, t.dtype, tuple(t.shape)) for n, t in STATE.items()
    }
    for name, tensor in STATE.items():
        assert torch.equal(source.tensor(name), tensor)
    assert (
        source.elements("model.layers.0.weight", [1, 7]).tolist()
        == STATE["model.layers.0.weight"][[1, 7]].tolist()
    )


def test_safetensors_win_over_bin_files_in_the_same_folder(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    save_file(STATE, str(folder / "model.safetensors"))
    torch.save(STATE, folder / "pytorch_model.bin")
    assert isinstance(open_source(str(folder)), SafetensorsSource)


def test_a_folder_without_weights_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(InvalidInput, match="holds no model weights") as caught:
        open_source(tmp_path)
    assert caught.value.code == "no_weights"
