"""The nodes mode of bench/load.py: the same load against two web nodes sharing real engines.

Starts, as local processes: PostgreSQL (pgserver), an S3-compatible server (moto's standalone server),
Redis, and two `deckchat serve --no-jobs` nodes with homes of their own, sharing the database, the
bucket and the rate-limit counters. The decks are added once with `deckchat add` against the same
engines. Then the load of bench/load.py runs against node A alone (half before, half after: the
baseline) and against both nodes, its clients dealt out between them as a proxy would, in the same run.
The figures: 5xx (there must be none), and the image p95 of two nodes against one. On a 2-core machine
two nodes share the same cores, so no speed-up is expected there; what this shows is that a second
node, fetching from the bucket and answering from a cold cache, serves the same load without errors.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from load_clients import Phase, run_phase  # beside this script, on sys.path

AWS = {
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "deckchat-bench",
    "AWS_SECRET_ACCESS_KEY": "deckchat-bench",
}


@contextmanager
def engines(tmp: Path, free_port: Any) -> Iterator[dict[str, str]]:
    """PostgreSQL, an S3 server with a bucket, and Redis, for the block; yields the nodes' settings."""
    import boto3
    import pgserver

    with ExitStack() as stack:
        postgres = pgserver.get_server(tmp / "pgdata", cleanup_mode="stop")
        stack.callback(postgres.cleanup)
        s3_port, redis_port = free_port(), free_port()
        s3 = stack.enter_context(
            _process(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], tmp / "s3.log"
            )
        )
        endpoint = f"http://127.0.0.1:{s3_port}"
        _wait(lambda: httpx.get(endpoint, timeout=1).status_code < 500, s3, "the S3 server")
        redis_server = shutil.which("redis-server") or "redis-server"
        redis = stack.enter_context(
            _process(
                [redis_server, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                tmp / "redis.log",
            )
        )
        _wait(lambda: _redis_answers(redis_port), redis, "redis-server")
        env = {**AWS, "AWS_ENDPOINT_URL": endpoint}
        boto3.client("s3", endpoint_url=endpoint, **_credentials()).create_bucket(Bucket="deckchat-bench")
        yield {
            **env,
            "DECKCHAT_DATABASE_URL": postgres.get_uri(),
            "DECKCHAT_STORAGE_URL": "s3://deckchat-bench/blobs",
            "DECKCHAT_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{redis_port}",
            "DECKCHAT_SECRET_KEY": "deckchat-bench shared key",
        }


def _credentials() -> dict[str, str]:
    return {
        "region_name": AWS["AWS_REGION"],
        "aws_access_key_id": AWS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS["AWS_SECRET_ACCESS_KEY"],
    }


def _redis_answers(port: int) -> bool:
    import redis

    with redis.Redis(port=port) as client:
        return bool(client.ping())


@contextmanager
def _process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait(ready: Any, process: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            if ready():
                return
        except Exception:  # not listening yet
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start within {timeout:.0f} s")


def nodes_phases(
    urls: list[str], pids: list[int], decks: list[Any], args: argparse.Namespace, say: Any
) -> tuple[Phase, Phase]:
    """The load on node A alone (half before, half after) and on every node."""
    phase = {"viewers": args.viewers, "chatters": args.chatters, "api": True, "seed": args.seed}
    half = args.baseline_seconds / 2
    say(f"one node, first half: {half:.0f} s ...")
    before = run_phase(urls[0], decks, pids[0], seconds=half, **phase)
    say(f"{len(urls)} nodes: {args.seconds:.0f} s ...")
    spread = run_phase(urls, decks, pids, seconds=args.seconds, **phase)
    say(f"one node, second half: {half:.0f} s ...")
    after = run_phase(urls[0], decks, pids[0], seconds=half, **phase)
    return before.merge(after), spread
