"""The units a model is placed and streamed in: a leaf shared by planning (``plan``) and the offload
executor (``prefetch``)."""

from __future__ import annotations

from typing import Any


def blocks(model: Any) -> list[str]:
    """The units placement moves: each transformer block, and the modules outside blocks that hold weights."""
    no_split = set(getattr(model, "_no_split_modules", None) or ())
    found: list[str] = []
    for name, module in model.named_modules():
        if any(name.startswith(f"{b}.") for b in found):
            continue
        holds = any(True for _ in module.parameters(recurse=False)) or any(
            True for _ in module.buffers(recurse=False)
        )
        if name and (type(module).__name__ in no_split or holds):
            found.append(name)
    return found
