"""Every error leaves the API as {"error": {"code", "message"}}: our own errors with their code and
status, a throttled request with Retry-After, a malformed request as invalid_request naming the field,
routing errors by their status, and anything unexpected as a logged 500."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deckchat.api import errors
from deckchat.api.limits import Throttled
from deckchat.core.errors import DeckNotFound, TooLarge


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/missing")
    def missing() -> None:
        raise DeckNotFound

    @app.get("/large")
    def large() -> None:
        raise TooLarge("The deck is over 100 MiB.")

    @app.get("/throttled")
    def throttled() -> None:
        raise Throttled(
            "Too many questions; try again in a moment.", code="rate_limited", status=429, retry_after=7
        )

    @app.get("/count")
    def count(n: int) -> int:
        return n

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    return TestClient(app, raise_server_exceptions=False)


def _error(response: object) -> tuple[int, str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return response.status_code, body["error"]["code"], body["error"]["message"]  # type: ignore[attr-defined]


def test_our_errors_keep_their_code_status_and_sentence(client: TestClient) -> None:
    assert _error(client.get("/missing")) == (
        404,
        "deck_not_found",
        "No such deck, or it is not shared with you.",
    )
    assert _error(client.get("/large")) == (413, "too_large", "The deck is over 100 MiB.")
    assert "retry-after" not in client.get("/large").headers


def test_a_throttled_request_says_when_to_retry(client: TestClient) -> None:
    response = client.get("/throttled")
    assert _error(response)[:2] == (429, "rate_limited")
    assert response.headers["retry-after"] == "7"


def test_a_malformed_request_names_the_field(client: TestClient) -> None:
    status, code, message = _error(client.get("/count", params={"n": "many"}))
    assert (status, code) == (422, "invalid_request")
    assert message.startswith("query.n: ") and "integer" in message
    assert _error(client.get("/count"))[2].startswith("query.n: ")


def test_routing_errors_have_codes(client: TestClient) -> None:
    assert _error(client.get("/no/such/path")) == (404, "not_found", "Not Found")
    assert _error(client.post("/missing")) == (405, "method_not_allowed", "Method Not Allowed")


def test_an_unexpected_error_is_logged_and_told_apart(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="deckchat.api.errors"):
        response = client.get("/broken")
    assert _error(response) == (
        500,
        "internal_error",
        "Something went wrong on the server; it has been logged.",
    )
    assert "a bug" not in response.text
    [record] = [r for r in caplog.records if r.name == "deckchat.api.errors"]
    assert record.exc_info is not None and str(record.exc_info[1]) == "a bug"
