"""The one small interface every generator implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


class Generator(Protocol):
    """Streams the reply to a chat prompt, token by token (a token is any non-empty text piece)."""

    name: str

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256) -> Iterator[str]: ...
