"""The upload parser keeps nothing unbounded in memory: parts' headers, the number of text fields, their
bytes together and the body as a whole are all refused as they arrive, sent in chunks or not."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings
from tests.api.helpers import sign_in_presenter
from tests.live import LiveServer, presenter_token

BOUNDARY = "deckchat-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
KB, MB = 1024, 1024 * 1024


def field(name: str, value: bytes, *, headers: str = "") -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n{headers}\r\n'
    return head.encode() + value + b"\r\n"


END = f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(bootstrap(Settings(home=home)), run_jobs=False)) as test_client:
        sign_in_presenter(test_client)
        yield test_client


def _post_chunked(client: TestClient, parts: Iterable[bytes]) -> Any:
    """A body from a generator has no Content-Length: httpx sends it chunked."""
    response = client.post("/api/decks", content=iter([*parts, END]), headers={"Content-Type": MULTIPART})
    return response.status_code, response.json()["error"]["code"]


def test_fields_up_to_the_limit_are_read(client: TestClient) -> None:
    # Sixteen fields are allowed; with no deck among them the upload is refused only once it is read.
    fields = [field(f"f{n}", b"x" * 4 * KB) for n in range(16)]
    assert _post_chunked(client, fields) == (422, "deck_missing")


def test_one_field_too_many_is_refused(client: TestClient) -> None:
    fields = [field(f"f{n}", b"x") for n in range(17)]
    assert _post_chunked(client, fields) == (413, "too_many_fields")


def test_fields_over_their_bytes_together_are_refused(client: TestClient) -> None:
    fields = [field(f"f{n}", b"x" * 15 * KB) for n in range(5)]  # each under 16 KiB, 75 KiB together
    assert _post_chunked(client, fields) == (413, "fields_too_large")


def test_a_field_over_its_own_limit_is_refused(client: TestClient) -> None:
    assert _post_chunked(client, [field("title", b"x" * 17 * KB)]) == (422, "field_too_long")


def test_a_part_with_endless_headers_is_refused(client: TestClient) -> None:
    # Three header lines of 3 KiB: each within what python-multipart allows a line, 9 KiB together.
    headers = "".join(f"X-Filler-{n}: {'y' * 3 * KB}\r\n" for n in range(3))
    assert _post_chunked(client, [field("title", b"t", headers=headers)]) == (413, "part_headers_too_large")


def test_a_body_past_every_limit_together_is_refused(home: Path) -> None:
    # Small limits, so that an epilogue after the last part (which the parser skips) can pass them all.
    settings = Settings(home=home, max_upload_bytes=64 * KB, max_notes_bytes=16 * KB)
    with TestClient(create_app(bootstrap(settings), run_jobs=False)) as small:
        sign_in_presenter(small)
        epilogue = [END] + [b"z" * 64 * KB] * 32  # 2 MiB after the closing boundary
        assert _post_chunked(small, [field("title", b"t"), *epilogue]) == (413, "too_large")
        declared = small.post(
            "/api/decks", content=b"x" * 2 * MB, headers={"Content-Type": MULTIPART}
        ).json()["error"]["code"]
        assert declared == "too_large"


# --- a flood of small fields against a real server process ---------------------------------------------

FLOOD_BYTES = 200 * MB
FIELD_BYTES = 16 * KB - 64  # just under the per-field limit, as the flood sent them


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * KB
    raise AssertionError("no VmRSS")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _flood(port: int, token: str, budget: int) -> tuple[int, bytes]:
    """Send small fields in chunks on one connection until the server answers or ``budget`` bytes are
    sent; returns the bytes sent and the server's raw answer."""
    head = (
        f"POST /api/decks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\n"
        f"Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode())
        n = 0
        while sent < budget and not select.select([sock], [], [], 0)[0]:
            part = _chunk(field(f"f{n}", b"v" * FIELD_BYTES))
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered and hung up
            sent, n = sent + len(part), n + 1
        if sent >= budget:
            sock.sendall(_chunk(END) + b"0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            try:
                data = sock.recv(64 * KB)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    return sent, answer


def _status_and_code(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, json.loads(body[body.index(b"{") :])["error"]["code"]


@pytest.mark.slow
def test_a_flood_of_small_fields_leaves_the_server_s_memory_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    server = LiveServer(home).start()
    try:
        token = presenter_token(home)["Authorization"]
        assert server.process is not None
        pid = server.process.pid
        _flood(server.port, token, 64 * KB)  # warm up: the first upload loads what every upload needs
        before = _rss_bytes(pid)
        total = requests = 0
        while total < FLOOD_BYTES:  # the server refuses each request early: send the rest in more
            sent, answer = _flood(server.port, token, FLOOD_BYTES - total)
            assert _status_and_code(answer) == (413, "fields_too_large")
            total, requests = total + sent, requests + 1
        grown = _rss_bytes(pid) - before
        print(f"\n{total / MB:.0f} MB of fields in {requests} requests: RSS grew {grown / MB:.1f} MB")
        assert grown < 50 * MB
    finally:
        server.stop()
