"""A real OpenAI-compatible server for tests: llama-cpp-python's, running a GGUF on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.live import free_port


def llama_cpp_server(gguf: Path, folder: Path) -> Iterator[tuple[str, str]]:
    """Yield ``(base_url, model_id)`` of a llama.cpp server; its log is in ``folder`` if it fails."""
    port, log = free_port(), folder / "server.log"
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
