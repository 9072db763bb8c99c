"""Turn an ``--llm SPEC`` into a generator: ``default``, ``hf:PATH_OR_ID``, ``openai:BASE_URL``.

``extractive`` needs no model and is answered by the chat layer itself. Generators are kept per
process: loading a model takes seconds, and the server answers every chat with the same one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import torch

from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.llm import smollm2
from deckchat.llm.base import Generator
from deckchat.llm.cpu_int8 import quantize_linear_int8
from deckchat.llm.draft import draft_source, load_draft
from deckchat.llm.load import MaxMemory, default_dtype, load_causal_lm
from deckchat.llm.local import LocalGenerator
from deckchat.llm.openai_compat import OpenAIGenerator
from deckchat.llm.plan import DTYPES, parse_budget
from deckchat.llm.prefetch import offload_hooks
from deckchat.llm.resolve import resolve_model
from deckchat.settings import LlmOptions, LookupMode

SPECS = "extractive, default, hf:PATH_OR_ID or openai:BASE_URL"

_cache: dict[Hashable, Generator] = {}
_lock = threading.Lock()


def make_generator(spec: str, options: LlmOptions, *, model: str | None = None) -> Generator:
    kind, _, target = spec.partition(":")
    if spec == "extractive":
        raise ValueError("extractive answers need no generator; the chat layer handles them")
    if spec == "default":
        return _cached(("default", options.home, options.lookup), lambda: _default(options))
    if kind == "hf" and target:
        source = resolve_model(target)  # first, so ./m and /abs/m share one loaded model
        placement = (options.max_memory, options.dtype, options.offload_folder, options.lookup, options.draft)
        return _cached(("hf", source, *placement), lambda: _hf(target, options))
    if kind == "openai" and target:
        if not model:
            raise DeckchatError(
                f"--llm {spec} needs the model's name: add --llm-model NAME.",
                code="llm_model_required",
            )
        key = options.openai_api_key or None
        return _cached(("openai", target, model), lambda: OpenAIGenerator(target, model, api_key=key))
    raise DeckchatError(f"Unknown --llm {spec!r}: use {SPECS}.", code="llm_spec_invalid")


def clear_cache() -> None:
    """Forget loaded generators (tests, or a server told to reload)."""
    with _lock:
        _cache.clear()


def _cached(key: Hashable, make: Callable[[], Generator]) -> Generator:
    # Loading under the lock: two first requests must not load the same model twice.
    with _lock:
        if key not in _cache:
            _cache[key] = make()
        return _cache[key]


def _default(options: LlmOptions) -> LocalGenerator:
    folder = smollm2.ensure_converted(options)
    name = f"default ({smollm2.DISPLAY_NAME})"
    if torch.cuda.is_available():
        model, tokenizer = load_causal_lm(folder, device_map="auto", options=options)
    else:
        model, tokenizer = load_causal_lm(folder, dtype=torch.float32, options=options)
        model = quantize_linear_int8(model)  # 2-3x faster on CPU; see cpu_int8.py
    return _warm(LocalGenerator(model, tokenizer, name=name, lookup=options.lookup == "on"))


def _hf(target: str, options: LlmOptions) -> LocalGenerator:
    # "auto" puts the model on the GPU when there is one, and spills to disk what RAM can't hold.
    budget = parse_budget(options.max_memory or None, options.home)
    if options.dtype and options.dtype not in DTYPES:
        raise InvalidInput(f"DECKCHAT_LLM_DTYPE must be one of {', '.join(DTYPES)}.", code="bad_dtype")
    dtype = DTYPES[options.dtype] if options.dtype else default_dtype()
    max_memory: MaxMemory = {"cpu": budget["cpu"]}  # disk is the offload folder, bounded by the check
    if budget.get("gpu", 0) > 0:
        max_memory[0] = budget["gpu"]
    model, tokenizer = load_causal_lm(
        target,
        device_map="auto",
        max_memory=max_memory,
        offload_folder=options.offload_folder,
        dtype=dtype,
        options=options,
        disk_budget=budget["disk"],
    )
    lookup = uses_lookup(options.lookup, model)
    draft = load_draft(draft_source(options.draft, options), tokenizer) if options.draft else None
    return _warm(LocalGenerator(model, tokenizer, name=f"hf:{target}", lookup=lookup, draft=draft))


def uses_lookup(mode: LookupMode, model: Any) -> bool:
    """Prompt-lookup drafts are on when asked for, and by default where a pass streams weights in
    (offloaded to RAM from a GPU, or to disk): there, checking ten tokens costs what checking one does.

    Only a float32 model by default: in 16 bits, a pass over several positions rounds differently from
    a pass over one, and where two tokens' logits are one rounding step apart the choice can flip
    (measured with SmolLM2 in bfloat16: 2 of 2 deck answers diverged within 32 tokens, each at a
    near-tie). In float32 the output is plain greedy decoding's, token for token (tests/llm/test_decode.py).
    """
    exact = getattr(model, "dtype", None) == torch.float32
    return mode == "on" or (mode == "auto" and exact and bool(offload_hooks(model)))


def _warm(generator: LocalGenerator) -> LocalGenerator:
    """Run one short step now: the first forward pays for kernel setup (seconds with int8), and
    that belongs to loading, not to the first user's first token."""
    generator.warm_up()
    return generator
