"""A generator for a transformers causal LM: greedy decoding with a KV cache, streamed as text.

The loop is written out rather than run through ``generate()`` + ``TextIteratorStreamer``: no
worker thread to leak when the consumer stops early (closing the generator simply ends the loop),
and less work per step. Measured with the default model on 2 CPU cores, 1,500-token prompt: this
loop 36 tokens/s, ``generate()`` with the streamer in a thread 21-23 tokens/s, same first token.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from deckchat.core.errors import DeckchatError
from deckchat.cpu import cpu_threads
from deckchat.llm.base import Message


class LocalGenerator:
    """Streams greedy replies from ``model``; deterministic for a given prompt."""

    def __init__(self, model: Any, tokenizer: Any, *, name: str) -> None:
        self.name = name
        self.model = model
        self.tokenizer = tokenizer
        self._stop_ids = _stop_ids(model, tokenizer)
        self._limit: int | None = getattr(model.config, "max_position_embeddings", None)
        # transformers 5 renamed the forward argument; ask the model which one it takes.
        params = inspect.signature(model.forward).parameters
        self._step_args: dict[str, Any] = {"use_cache": True}
        if "logits_to_keep" in params:  # skip the vocabulary projection for all but the last token
            self._step_args["logits_to_keep"] = 1
        # One forward at a time: two streams sharing 2 cores gain nothing from running at once,
        # and accelerate's offload hooks swap weights in and out, which must not interleave.
        self._lock = threading.Lock()
        self._device = _input_device(model)
        use_available_cores()

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256) -> Iterator[str]:
        ids = self.prompt_ids(messages)
        with all_cores():
            yield from _Detokenizer(self.tokenizer).text(
                self._tokens(ids, self._budget(len(ids), max_tokens))
            )

    def warm_up(self) -> None:
        """One short forward pass, so kernel setup isn't paid by the first real prompt."""
        for _ in self._tokens(self.prompt_ids([Message("user", "Hello")]), 1):
            pass

    def prompt_ids(self, messages: Sequence[Message]) -> list[int]:
        chat = [{"role": m.role, "content": m.content} for m in messages]
        if self.tokenizer.chat_template:
            text = self.tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
        else:  # base models: a plain transcript is the least surprising prompt
            text = "".join(f"{m['role']}: {m['content']}\n" for m in chat) + "assistant:"
        ids: list[int] = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return ids

    def _budget(self, prompt_len: int, max_tokens: int) -> int:
        if self._limit is None:
            return max_tokens
        if prompt_len >= self._limit:
            raise DeckchatError(
                f"The prompt has {prompt_len} tokens; {self.name} reads at most {self._limit}.",
                code="prompt_too_long",
                status=413,
            )
        return min(max_tokens, self._limit - prompt_len)

    def _tokens(self, ids: list[int], budget: int) -> Iterator[int]:
        """Greedy token ids until a stop token or ``budget``; the cache lives only in this frame."""
        cache = kv_cache(self.model)
        step = torch.tensor([ids], device=self._device)
        for _ in range(budget):
            token = self._next_token(step, cache)
            if token in self._stop_ids:
                return
            yield token
            step = torch.tensor([[token]], device=self._device)

    def _next_token(self, step: torch.Tensor, cache: dict[str, Any]) -> int:
        # inference_mode per step, not around the loop: a suspended generator would otherwise
        # leave it switched on for whatever the consumer runs between tokens.
        with self._lock, torch.inference_mode():
            logits = self.model(step, **cache, **self._step_args).logits
            return int(logits[0, -1].argmax())


def kv_cache(model: Any) -> dict[str, Any]:
    """Keyword arguments that give forward passes one shared, empty KV cache. transformers 5 renamed
    the argument (``past_key_values`` to ``cache``), so the model's signature says which it takes."""
    from transformers import DynamicCache

    name = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    return {name: DynamicCache(config=model.config)}


class _Detokenizer:
    """Turns token ids into text pieces without splitting a character or dropping a space.

    Decoding tokens one by one loses the leading spaces some tokenizers attach to a word and
    breaks multi-byte characters, so each piece is the difference between two decodes of a short
    window (the scheme text-generation-inference uses).
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def text(self, tokens: Iterator[int]) -> Iterator[str]:
        ids: list[int] = []
        prefix, read = 0, 0
        for token in tokens:
            ids.append(token)
            before = self._decode(ids[prefix:read])
            after = self._decode(ids[prefix:])
            if len(after) > len(before) and not after.endswith("\ufffd"):
                yield after[len(before) :]
                prefix, read = read, len(ids)
        rest = self._decode(ids[prefix:])[len(self._decode(ids[prefix:read])) :]
        if rest:
            yield rest

    def _decode(self, ids: list[int]) -> str:
        text: str = self.tokenizer.decode(ids, skip_special_tokens=True)
        return text


def _stop_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    configured = getattr(model.generation_config, "eos_token_id", None)
    ids = configured if isinstance(configured, list) else [configured]
    return frozenset(i for i in [*ids, tokenizer.eos_token_id] if i is not None)


def _input_device(model: Any) -> torch.device:
    """Where input ids go. Disk-offloaded models report ``meta``; their hooks take CPU inputs."""
    device: torch.device = model.device
    return torch.device("cpu") if device.type == "meta" else device


@contextmanager
def all_cores() -> Iterator[None]:
    """Generate on every core this process may use (deckchat.cpu), whatever another component (the
    embedder caps torch at half the cores for single queries) set; prefill is twice as fast on 2
    threads as on 1."""
    before = torch.get_num_threads()
    torch.set_num_threads(cpu_threads())
    try:
        yield
    finally:
        torch.set_num_threads(before)


def use_available_cores() -> None:
    """torch sizes its pool from the machine's cores; in a container pinned to fewer, that
    oversubscribes. Measured on 2 cores: 2 threads prefill twice as fast as 1 and decode equally."""
    threads = cpu_threads()
    if torch.get_num_threads() > threads:
        torch.set_num_threads(threads)
