"""A generator for any OpenAI-compatible chat server (vLLM, llama.cpp, Ollama, OpenAI itself)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import openai

from deckchat.core.errors import DeckchatError
from deckchat.llm.base import Message

# A server that is up accepts a connection at once; only reading a reply may take long.
CONNECT_TIMEOUT_S = 5.0


class OpenAIGenerator:
    """Streams chat completions from ``base_url`` (e.g. ``http://localhost:8000/v1``) with ``model``.

    Errors surface when the stream is first read, as DeckchatErrors: ``llm_unavailable`` when the
    server can't be reached in time, ``llm_model_unknown`` when it doesn't serve ``model``.
    """

    def __init__(
        self, base_url: str, model: str, timeout: float = 60.0, *, api_key: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = f"openai:{self.base_url} model={model}"
        # Local servers take any key, but the client refuses to start without one. The settings carry
        # OPENAI_API_KEY (read when the process starts), so nothing here reads the environment.
        self._api_key = api_key or "unused"
        self.timeout = timeout
        self._timeout = openai.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S))
        self._model_checked = False

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256) -> Iterator[str]:
        chat: Any = [{"role": m.role, "content": m.content} for m in messages]
        try:
            with self._client() as client:
                self._check_model(client)
                with client.chat.completions.create(
                    model=self.model, messages=chat, max_tokens=max_tokens, temperature=0, stream=True
                ) as chunks:
                    for chunk in chunks:
                        piece = chunk.choices[0].delta.content if chunk.choices else None
                        if piece:
                            yield piece
        except openai.APIConnectionError as exc:  # refused, DNS, and timeouts (a subclass)
            raise self._unavailable(exc) from exc
        except openai.NotFoundError as exc:
            raise self._unknown_model(self._served_models_quietly()) from exc
        except openai.APIStatusError as exc:
            raise DeckchatError(
                f"The OpenAI-compatible server at {self.base_url} failed: {exc.message}",
                code="llm_error",
                status=502,
            ) from exc

    def _client(self) -> openai.OpenAI:
        """A client per stream: its connections close with the stream, so a generator that is
        dropped (or a consumer that stops early) leaves no sockets behind."""
        # No retries: fail fast, and let the chat layer decide whether to fall back.
        return openai.OpenAI(
            base_url=self.base_url, api_key=self._api_key, timeout=self._timeout, max_retries=0
        )

    def _check_model(self, client: openai.OpenAI) -> None:
        """Some servers (llama-cpp-python) answer with their one model whatever name is asked
        for; checking the list first turns a silently wrong model into a clear error."""
        if self._model_checked:
            return
        served = self._served_models(client)
        if served and not _serves(served, self.model):
            raise self._unknown_model(served)
        self._model_checked = True

    def _served_models(self, client: openai.OpenAI) -> list[str]:
        """The server's model ids; empty where it doesn't list them (not every server does)."""
        try:
            return [m.id for m in client.models.list()]
        except openai.APIStatusError:
            return []

    def _served_models_quietly(self) -> list[str]:
        try:
            with self._client() as client:
                return self._served_models(client)
        except openai.OpenAIError:  # the listing only decorates the error being raised
            return []

    def _unavailable(self, exc: openai.APIConnectionError) -> DeckchatError:
        # The client's own text is a bare "Connection error."; the cause says refused or timed out.
        reason = str(exc.__cause__ or exc).rstrip(".") or type(exc.__cause__).__name__
        if isinstance(exc, openai.APITimeoutError):
            reason = f"no answer within {self.timeout:g} s"
        return DeckchatError(
            f"The OpenAI-compatible server at {self.base_url} is not reachable: {reason}. "
            "Start it, or check the URL given to --llm.",
            code="llm_unavailable",
            status=503,
        )

    def _unknown_model(self, served: list[str]) -> DeckchatError:
        listing = f" It serves: {', '.join(served)}." if served else ""
        return DeckchatError(
            f"The OpenAI-compatible server at {self.base_url} has no model {self.model!r}.{listing} "
            "Pass one of them with --llm-model.",
            code="llm_model_unknown",
            status=400,
        )


def _serves(served: list[str], model: str) -> bool:
    # Ollama lists "name:latest" but answers to "name".
    return model in served or f"{model}:latest" in served
