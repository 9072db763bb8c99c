"""Headers every response gets: the security headers on every page, no shared caching of API answers,
and the cookies a route queued, on streamed responses too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.api.auth import add_cookie
from deckchat.api.headers import ResponseHeaders
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The real app, with no deck: the headers don't depend on one."""
    home = tmp_path_factory.mktemp("headers") / "home"
    with TestClient(create_app(bootstrap(Settings(home=home)), run_jobs=False)) as test_client:
        yield test_client


def test_api_answers_are_never_shared_by_caches(client: TestClient) -> None:
    response = client.get("/api/session")
    assert response.headers["cache-control"] == "private, no-store"
    assert "Cookie" in response.headers["vary"] and "Authorization" in response.headers["vary"]
    assert response.headers["referrer-policy"] == "same-origin"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_pages_forbid_inline_script(client: TestClient) -> None:
    """The second wall: a Content-Security-Policy under which injected markup could not run script."""
    for path in ("/", "/d/any-deck-0123456789abcdef0123/2?embed=1"):
        policy = client.get(path).headers.get("content-security-policy", "")
        directives = {name: values for name, *values in (d.split() for d in policy.split(";") if d.strip())}
        scripts = directives.get("script-src") or directives.get("default-src") or []
        assert scripts and "'unsafe-inline'" not in scripts and "*" not in scripts, (path, policy)


def test_pages_keep_their_own_caching(client: TestClient) -> None:
    page = client.get("/signin")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-cache" and "vary" not in page.headers


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/own")
    def own(request: Request) -> Response:
        add_cookie(request, "first=1; Path=/")
        add_cookie(request, "second=2; Path=/")
        return Response("kept", headers={"Cache-Control": "max-age=5", "X-Content-Type-Options": "nosniff"})

    @app.get("/api/stream")
    def stream(request: Request) -> StreamingResponse:
        add_cookie(request, "viewer=v; Path=/")
        return StreamingResponse(
            iter([b"event: token\n\n", b"event: answer\n\n"]), media_type="text/event-stream"
        )

    app.add_middleware(ResponseHeaders)
    return app


def test_a_route_s_own_headers_win_and_its_cookies_are_all_sent() -> None:
    with TestClient(_app()) as client:
        response = client.get("/api/own")
    assert response.text == "kept"
    raw = response.headers.multi_items()
    assert [v for n, v in raw if n == "cache-control"] == ["max-age=5"]
    assert [v for n, v in raw if n == "x-content-type-options"] == ["nosniff"]
    assert [v for n, v in raw if n == "set-cookie"] == ["first=1; Path=/", "second=2; Path=/"]
    assert response.headers["vary"] == "Cookie, Authorization"


def test_a_streamed_response_gets_them_too() -> None:
    with TestClient(_app()) as client, client.stream("GET", "/api/stream") as response:
        body = b"".join(response.iter_bytes())
    assert body == b"event: token\n\nevent: answer\n\n"
    assert response.headers["set-cookie"] == "viewer=v; Path=/"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "same-origin"
