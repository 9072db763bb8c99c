"""A generator running a GGUF file directly in llama.cpp (the ``llama-cpp-python`` package).

Not behind an ``--llm`` spec today: it is the baseline ``speed`` measures the default against
(the same SmolLM2 weights, still 4-bit). It decodes faster than transformers on a small CPU but
reads a long prompt several times slower, and first-token latency is what a chat user waits on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from deckchat.core.errors import MissingDependency
from deckchat.llm.base import Message


class LlamaCppGenerator:
    def __init__(self, gguf: Path, *, n_ctx: int = 4096, name: str | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingDependency(
                "Running a GGUF needs llama-cpp-python (a dev dependency): run make setup."
            ) from exc
        self.name = name or f"llama.cpp:{gguf.name}"
        # llama-cpp-python defaults to half the cores; decoding one sequence wants all of them.
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self._llm = Llama(model_path=str(gguf), n_ctx=n_ctx, n_threads=threads or 1, verbose=False)

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256) -> Iterator[str]:
        chat: Any = [{"role": m.role, "content": m.content} for m in messages]
        chunks: Any = self._llm.create_chat_completion(
            messages=chat, max_tokens=max_tokens, temperature=0, stream=True
        )
        for chunk in chunks:
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def close(self) -> None:
        self._llm.close()
