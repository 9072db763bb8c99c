"""Run a real `deckchat serve` process for tests that need one (crash recovery, the browser)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_pids(job_id: str) -> list[int]:
    """The job worker processes running ``job_id`` (deckchat/jobs/worker.py)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"deckchat.jobs.worker" in cmdline and job_id.encode() in cmdline:
            pids.append(int(proc.name))
    return pids


class LiveServer:
    def __init__(self, home: Path, *args: str, **env: str) -> None:
        """``args`` go to `deckchat serve`; ``env`` adds to the environment."""
        self.home, self.args = home, args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DECKCHAT_HOME": str(home), "DECKCHAT_PORT": str(self.port), **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = home.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 60) -> LiveServer:
        self.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "deckchat.cli.main", "serve", *self.args],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited: {self.log.read_text()[-2000:]}"
            try:
                # uvicorn listens only once the app's startup has run, so any answer means ready;
                # the deck list itself may want a signed-in user.
                if httpx.get(f"{self.url}/api/decks", timeout=2).status_code < 500:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """kill -9: no shutdown handlers, no cleanup."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_ready(self, deck_id: str, timeout: float = 300) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            deck: dict[str, object] = httpx.get(f"{self.url}/api/decks/{deck_id}", timeout=10).json()
            if deck["status"] in ("ready", "failed"):
                return deck
            time.sleep(0.3)
        raise TimeoutError(f"deck {deck_id} not ready in {timeout} s")


class Worker:
    """A `deckchat worker` process on ``home``: it runs queued ingestion jobs."""

    def __init__(self, home: Path, *args: str, **env: str) -> None:
        """``args`` go to `deckchat worker`; ``env`` adds to the environment."""
        env = {**os.environ, "DECKCHAT_HOME": str(home), **env}
        command = [sys.executable, "-m", "deckchat.cli.main", "worker", *args]
        self.process = subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        self.owner = f"{os.uname().nodename}:{self.process.pid}"

    def stop(self, timeout: float = 60) -> tuple[int, str]:
        """SIGTERM, as a service manager stops it: its exit code and what it printed."""
        self.process.send_signal(signal.SIGTERM)
        _, printed = self.process.communicate(timeout=timeout)
        return self.process.returncode, printed

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


def cli(
    home: Path, *args: str | Path, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """A `deckchat` command run into ``home`` in its own process, as a presenter runs it; ``env`` adds
    to or overrides the environment it inherits."""
    env = {**os.environ, "DECKCHAT_HOME": str(home), **(env or {})}
    command = [sys.executable, "-m", "deckchat.cli.main", *map(str, args)]
    return subprocess.run(
        command, env=env, cwd=REPO, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def cli_add(home: Path, *args: str | Path) -> dict[str, Any]:
    """`deckchat add ARGS --json`: the deck is ready when it returns, and a server on ``home`` serves it."""
    done = cli(home, "add", *args, "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["status"] == "ready", result
    return result


def presenter_token(home: Path) -> dict[str, str]:
    """Headers with a new API token of the install's first presenter (`deckchat token create`)."""
    done = cli(home, "token", "create", "--name", "tests", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    return {"Authorization": f"Bearer {json.loads(done.stdout)['token']}"}
