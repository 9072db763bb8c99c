"""A scripted generator: a model stand-in that streams a fixed reply, word by word, and keeps the
prompts it was given, so tests of the code around a model are deterministic."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from deckchat.llm.base import Message


class Scripted:
    name = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[Sequence[Message]] = []

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256) -> Iterator[str]:
        self.prompts.append(messages)
        yield from re.findall(r"\S+\s*", self.reply)
