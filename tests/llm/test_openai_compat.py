"""OpenAIGenerator against a real llama-cpp-python server running the default model's GGUF."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import httpx
import pytest

from deckchat.core.errors import DeckchatError
from deckchat.llm import smollm2
from deckchat.llm.base import Message
from deckchat.llm.openai_compat import OpenAIGenerator
from deckchat.llm.registry import make_generator
from deckchat.settings import Settings

pytestmark = pytest.mark.slow

QUESTION = [Message("user", "Name three colours.")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``(base_url, model_id)`` of a llama.cpp server; its log is in the temp dir if it fails."""
    port, gguf = free_port(), smollm2.gguf_path()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield base_url, wait_for_models(server, base_url, log)
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_models(server: subprocess.Popen[bytes], base_url: str, log: Path) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, f"llama.cpp server exited:\n{log.read_text()}"
        try:
            model_id: str = httpx.get(f"{base_url}/models", timeout=2).json()["data"][0]["id"]
            return model_id
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"llama.cpp server did not start:\n{log.read_text()}")


def test_streams_a_reply(llama_server: tuple[str, str], tmp_path: Path) -> None:
    base_url, model_id = llama_server
    generator = make_generator(f"openai:{base_url}", Settings(home=tmp_path), model=model_id)
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
