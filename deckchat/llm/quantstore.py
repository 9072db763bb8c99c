"""Quantised copies of offloaded weights, written once into the offload folder and reused.

Quantising a few GB takes as long as reading them, so it is done on the first load only: the
weights go into ``<offload folder>/<scheme>/weights.safetensors`` (``quantize.py``'s ``q`` and
``scale`` per weight), and a marker written last records what they were made from: each source
file's size and modification time and each weight's place in it. A later load with the same
sources reuses the file; a changed source (re-sharded, re-converted) or an interrupted write has no
matching marker, so the file is written again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from filelock import FileLock

from deckchat.llm import quantize
from deckchat.llm.tensorfile import NAMES, TensorInfo, read_header, read_tensor, write_file

FORMAT = 1
MARKER = "marker.json"
WEIGHTS = "weights.safetensors"


@dataclass(frozen=True)
class Source:
    """A weight to store quantised: its module-qualified name and where the model keeps it."""

    key: str
    file: str
    info: TensorInfo


class QuantizedStore:
    """Where each quantised weight's ``(q, scale)`` lie, by the weight's module-qualified name."""

    def __init__(self, path: Path, parts: dict[str, list[tuple[str, TensorInfo]]]) -> None:
        self.path = path
        self._parts = parts

    def parts(self, key: str) -> list[tuple[str, TensorInfo]] | None:
        return self._parts.get(key)

    def keys(self) -> list[str]:
        return list(self._parts)


def prepare(folder: Path, scheme: str, sources: list[Source]) -> QuantizedStore:
    """The store for ``sources`` under ``folder``: reused when its marker matches them, else written."""
    home = folder / scheme
    home.mkdir(parents=True, exist_ok=True)
    wanted = _marker(scheme, sources)
    # Two processes loading the same model: the second waits, then finds the first one's file.
    with FileLock(home / ".lock"):
        marker = home / MARKER
        if not (_read_marker(marker) == wanted and (home / WEIGHTS).is_file()):
            marker.unlink(missing_ok=True)  # from here until the new one, the file is not trusted
            _write(home / WEIGHTS, scheme, sources)
            _replace_text(marker, json.dumps(wanted, indent=1))
    header = read_header(home / WEIGHTS)
    weights = str(home / WEIGHTS)
    return QuantizedStore(
        home / WEIGHTS,
        {s.key: [(weights, header[f"{s.key}.q"]), (weights, header[f"{s.key}.scale"])] for s in sources},
    )


def _write(path: Path, scheme: str, sources: list[Source]) -> None:
    layout: list[tuple[str, torch.dtype, tuple[int, ...]]] = []
    for source in sources:
        (q_dtype, q_shape), (s_dtype, s_shape) = quantize.layout(source.info.shape, scheme)
        layout += [(f"{source.key}.q", q_dtype, q_shape), (f"{source.key}.scale", s_dtype, s_shape)]
    by_name = {f"{s.key}.{part}": s for s in sources for part in ("q", "scale")}
    last: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}  # q and scale come from one quantisation

    def produce(name: str) -> torch.Tensor:
        source = by_name[name]
        if source.key not in last:
            last.clear()
            last[source.key] = quantize.quantize(read_tensor(Path(source.file), source.info), scheme)
        q, scale = last[source.key]
        return q if name.endswith(".q") else scale

    partial = path.with_name(f".{path.name}.partial")
    write_file(partial, layout, produce, {"format": "pt", "deckchat_quantized": scheme})
    os.replace(partial, path)


def _marker(scheme: str, sources: list[Source]) -> dict[str, object]:
    files = sorted({s.file for s in sources})
    return {
        "format": FORMAT,
        "scheme": scheme,
        "files": {f: [os.stat(f).st_size, os.stat(f).st_mtime_ns] for f in files},
        "weights": {
            s.key: [s.file, s.info.start, s.info.end, NAMES[s.info.dtype], list(s.info.shape)]
            for s in sources
        },
    }


def _read_marker(path: Path) -> object:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _replace_text(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)
