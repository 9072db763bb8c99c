"""Request bodies other than uploads stop at DECKCHAT_MAX_JSON_BYTES: refused before reading when their
Content-Length says more, cut off as soon as a chunked body passes it; the two upload routes are left
to uploads.py's own limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings

LIMIT = 2048
TOO_LARGE = {"error": {"code": "body_too_large", "message": "The request body is over 2 KiB."}}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("body-limit") / "home"
    with TestClient(
        create_app(bootstrap(Settings(home=home, max_json_bytes=LIMIT)), run_jobs=False)
    ) as test_client:
        yield test_client


def _sign_in(padding: int) -> bytes:
    """A sign-in of about ``padding`` bytes (a field the schema ignores pads it): refused as 401 once read."""
    return json.dumps({"email": "nobody@example.com", "password": "wrong", "padding": "x" * padding}).encode()


def test_a_body_within_the_limit_reaches_its_route(client: TestClient) -> None:
    body = _sign_in(LIMIT - 100)
    assert len(body) <= LIMIT
    response = client.post("/api/session", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 401 and response.json()["error"]["code"] != "body_too_large"


def test_a_declared_length_over_the_limit_is_refused_unread(client: TestClient) -> None:
    response = client.post(
        "/api/session", content=_sign_in(LIMIT), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.json() == TOO_LARGE
    assert response.headers["content-length"] == str(len(response.content))


def test_a_length_that_is_not_a_number_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/session", content=b"{}", headers={"Content-Type": "application/json", "Content-Length": "2 "}
    )
    assert response.status_code == 413 and response.json() == TOO_LARGE


def test_a_chunked_body_is_cut_off_past_the_limit(client: TestClient) -> None:
    chunks = iter([b'{"email": "a@b.c", "password": "', *[b"x" * 512] * 8, b'"}'])  # no Content-Length
    response = client.post("/api/session", content=chunks, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json() == TOO_LARGE


def test_uploads_are_left_to_their_own_limits(client: TestClient) -> None:
    """An upload's body is far over the JSON limit; what refuses it here is the upload route (its
    caller is not signed in), not this limit."""
    for path in ("/api/decks", "/api/decks/some-deck/versions", "/api/decks/"):
        response = client.post(path, files=[("deck", ("talk.pdf", b"%PDF" + b"x" * 4 * LIMIT))])
        assert response.json()["error"]["code"] != "body_too_large", path
    elsewhere = client.post("/api/decks/some-deck/unlock", content=b"x" * 4 * LIMIT)
    assert elsewhere.json() == TOO_LARGE
