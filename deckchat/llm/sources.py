"""Model weights to convert, read one tensor at a time: safetensors, PyTorch ``.bin`` or a GGUF file.

Each source lists its tensors (name, dtype, shape) from metadata alone, then hands out one tensor on
request, so a converter never holds more than one in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import torch

from deckchat.core.errors import InvalidInput
from deckchat.llm.resolve import resolve_model
from deckchat.llm.tensorfile import TensorInfo, read_elements, read_header, read_tensor


@dataclass(frozen=True)
class Entry:
    name: str
    dtype: torch.dtype
    shape: tuple[int, ...]


class Source(Protocol):
    folder: Path | None  # where config and tokenizer files live, for directory sources

    def entries(self) -> list[Entry]: ...

    def tensor(self, name: str) -> torch.Tensor: ...

    def elements(self, name: str, flat_indices: list[int]) -> torch.Tensor: ...


def open_source(src: str | Path) -> Source:
    """The right reader for a model directory, a model id in the local HF cache, or a GGUF file."""
    path = Path(src).expanduser()
    if not path.is_file():
        path = resolve_model(src)
    if path.is_file() and path.suffix == ".gguf":
        return GGUFSource(path)
    if path.is_dir():
        if _weight_files(path, "safetensors"):
            return SafetensorsSource(path)
        if _weight_files(path, "bin"):
            return BinSource(path)
    raise InvalidInput(
        f"{path} holds no model weights: expected *.safetensors, pytorch_model*.bin or a .gguf file.",
        code="no_weights",
    )


class SafetensorsSource:
    def __init__(self, folder: Path) -> None:
        self.folder: Path | None = folder
        self._where: dict[str, tuple[Path, TensorInfo]] = {}
        for file in _weight_files(folder, "safetensors"):
            for name, info in read_header(file).items():
                self._where[name] = (file, info)

    def entries(self) -> list[Entry]:
        return [Entry(name, info.dtype, info.shape) for name, (_, info) in self._where.items()]

    def tensor(self, name: str) -> torch.Tensor:
        return read_tensor(*self._where[name])

    def elements(self, name: str, flat_indices: list[int]) -> torch.Tensor:
        return read_elements(*self._where[name], flat_indices)


class BinSource:
    """PyTorch pickles opened with ``mmap=True``: metadata without reading, one file's pages at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder: Path | None = folder
        self._file_of: dict[str, Path] = {}
        self._entries: list[Entry] = []
        self._open: tuple[Path, dict[str, torch.Tensor]] | None = None
        for file in _weight_files(folder, "bin"):
            for name, tensor in self._load(file).items():
                self._file_of[name] = file
                self._entries.append(Entry(name, tensor.dtype, tuple(tensor.shape)))
        self._open = None

    def entries(self) -> list[Entry]:
        return self._entries

    def tensor(self, name: str) -> torch.Tensor:
        return self._load(self._file_of[name])[name]

    def elements(self, name: str, flat_indices: list[int]) -> torch.Tensor:
        return self.tensor(name).reshape(-1)[flat_indices]

    def _load(self, file: Path) -> dict[str, torch.Tensor]:
        if self._open is None or self._open[0] != file:
            try:
                state = torch.load(file, map_location="cpu", mmap=True, weights_only=True)
            except RuntimeError:  # the legacy (pre-zip) format cannot be mapped; it is read whole
                state = torch.load(file, map_location="cpu", weights_only=True)
            self._open = (file, {k: v for k, v in state.items() if isinstance(v, torch.Tensor)})
        return self._open[1]


class GGUFSource:
    """A GGUF file, de-quantized tensor by tensor with transformers' own name mapping and fix-ups
    (e.g. undoing llama.cpp's permutation of Llama's query and key weights)."""

    def __init__(self, path: Path) -> None:
        from gguf import GGUFReader
        from transformers.modeling_gguf_pytorch_utils import (
            TENSOR_PROCESSORS,
            TensorProcessor,
            get_gguf_hf_weights_map,
            load_gguf_checkpoint,
        )

        self.folder: Path | None = None
        self.path = path
        # Metadata only; takes seconds for a big vocabulary.
        parsed = load_gguf_checkpoint(str(path), return_tensors=False)  # type: ignore[no-untyped-call]
        self.config = _config_from(parsed["config"])
        self._reader = GGUFReader(str(path))
        architecture = parsed["config"].get("model_type")
        processor = TENSOR_PROCESSORS.get(architecture, TensorProcessor)
        self._processor = processor(config=parsed["config"])  # type: ignore[no-untyped-call]
        empty = self.empty_model()
        self.config.architectures = [type(empty).__name__]
        mapping = get_gguf_hf_weights_map(empty, self._processor)
        self._tensors = {t.name: t for t in self._reader.tensors}
        self._hf_to_gguf: dict[str, str] = {}
        self._entries: list[Entry] = []
        for gguf_tensor in self._reader.tensors:
            processed = self._process(gguf_tensor.name, _shape_only(gguf_tensor))
            hf_name = mapping.get(processed.name)
            if hf_name is None:
                continue
            self._hf_to_gguf[hf_name] = gguf_tensor.name
            self._entries.append(Entry(hf_name, torch.float32, tuple(processed.weights.shape)))

    def empty_model(self) -> Any:
        from accelerate import init_empty_weights
        from transformers import AutoModelForCausalLM

        with init_empty_weights():
            return AutoModelForCausalLM.from_config(self.config)  # type: ignore[no-untyped-call]

    def tokenizer(self) -> Any:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(
            self.path.parent, gguf_file=self.path.name, local_files_only=True
        )

    def entries(self) -> list[Entry]:
        return self._entries

    def tensor(self, name: str) -> torch.Tensor:
        from gguf import dequantize

        gguf_tensor = self._tensors[self._hf_to_gguf[name]]
        weights = dequantize(gguf_tensor.data, gguf_tensor.tensor_type)
        processed = self._process(gguf_tensor.name, weights)
        return torch.from_numpy(processed.weights.astype("float32", copy=True))

    def elements(self, name: str, flat_indices: list[int]) -> torch.Tensor:
        return self.tensor(name).reshape(-1)[flat_indices]

    def _process(self, name: str, weights: Any) -> Any:
        return self._processor.process(  # type: ignore[no-untyped-call]
            weights=weights, name=name, tensor_key_mapping={}, parsed_parameters={"tensors": {}}
        )


def _config_from(values: dict[str, Any]) -> Any:
    """The config transformers would build from the GGUF, without parsing the file a second time."""
    from transformers import CONFIG_MAPPING

    return CONFIG_MAPPING[values["model_type"]].from_dict(values)


def _shape_only(gguf_tensor: Any) -> Any:
    """A zero-cost stand-in with the de-quantized shape, for processors that only reshape."""
    import numpy as np

    shape = tuple(int(n) for n in reversed(gguf_tensor.shape.tolist()))  # GGUF lists dims innermost first
    return np.lib.stride_tricks.as_strided(
        np.zeros(1, dtype=np.float32), shape=shape, strides=(0,) * len(shape)
    )


def _weight_files(folder: Path, kind: str) -> list[Path]:
    """The weight files of one format, from the index when there is one."""
    index_name = "model.safetensors.index.json" if kind == "safetensors" else "pytorch_model.bin.index.json"
    index = folder / index_name
    if index.is_file():
        weight_map = json.loads(index.read_text())["weight_map"]
        return [folder / name for name in dict.fromkeys(weight_map.values())]
    pattern = "*.safetensors" if kind == "safetensors" else "pytorch_model*.bin"
    return sorted(folder.glob(pattern))
