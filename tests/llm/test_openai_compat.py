"""OpenAIGenerator against a real llama-cpp-python server running the default model's GGUF."""

from __future__ import annotations

import socket
import time
import types
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.llm import smollm2
from deckchat.llm.base import Message
from deckchat.llm.openai_compat import OpenAIGenerator
from deckchat.llm.registry import make_generator
from deckchat.settings import Settings
from tests.live import free_port
from tests.llm.servers import llama_cpp_server

pytestmark = pytest.mark.slow

QUESTION = [Message("user", "Name three colours.")]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    yield from llama_cpp_server(smollm2.gguf_path(), tmp_path_factory.mktemp("llama-server"))


def test_streams_a_reply(llama_server: tuple[str, str], tmp_path: Path) -> None:
    base_url, model_id = llama_server
    generator = make_generator(f"openai:{base_url}", Settings(home=tmp_path).llm_options, model=model_id)
    assert generator.name == f"openai:{base_url} model={model_id}"
    pieces = list(generator.stream(QUESTION, max_tokens=16))
    assert len(pieces) > 3
    assert all(pieces)


def test_consumer_can_stop_early(llama_server: tuple[str, str]) -> None:
    stream = OpenAIGenerator(*llama_server).stream(QUESTION, max_tokens=64)
    assert isinstance(stream, types.GeneratorType)
    assert len(list(islice(stream, 2))) == 2
    stream.close()  # closes the HTTP response


def test_unknown_model_names_the_ones_served(llama_server: tuple[str, str]) -> None:
    # llama-cpp-python answers with its one model whatever name is asked for, so the generator
    # checks the server's list first; otherwise a typo would silently use another model.
    base_url, model_id = llama_server
    with pytest.raises(DeckchatError, match="has no model 'gpt-17'") as caught:
        list(OpenAIGenerator(base_url, "gpt-17").stream(QUESTION))
    assert caught.value.code == "llm_model_unknown"
    assert model_id in caught.value.message


def test_closed_port_is_unavailable_at_once() -> None:
    generator = OpenAIGenerator(f"http://127.0.0.1:{free_port()}/v1", "any", timeout=20)
    started = time.monotonic()
    with pytest.raises(DeckchatError, match="is not reachable") as caught:
        list(generator.stream(QUESTION))
    assert time.monotonic() - started < 2
    assert (caught.value.code, caught.value.status) == ("llm_unavailable", 503)


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        generator = OpenAIGenerator(f"http://127.0.0.1:{listener.getsockname()[1]}/v1", "any", timeout=1)
        started = time.monotonic()
        with pytest.raises(DeckchatError) as caught:
            list(generator.stream(QUESTION))
    assert 1 <= time.monotonic() - started < 5
    assert caught.value.code == "llm_unavailable"
