"""The front end's routes: index.html for every client-side route, its assets, and a page that says how
to build it when it is not built. Against a front end written here, so the built one is not needed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deckchat.api.routes import site
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import open_services
from deckchat.settings import Settings

INDEX = '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>'
CLIENT_ROUTES = ("/", "/signin", "/u/ada", "/d/talk-0123456789abcdef0123", "/d/talk-0123456789abcdef0123/7")


@pytest.fixture
def serve(home: Path) -> Iterator[Callable[[Path], TestClient]]:
    """``serve(dist)``: a test client of an app with the site mounted from ``dist``."""
    services = open_services(Settings(home=home))
    clients: list[TestClient] = []

    def make(dist: Path) -> TestClient:
        app = FastAPI()
        app.state.accounts = Accounts(services.db)  # the page shell resolves its caller like every route
        site.mount(app, dist)
        clients.append(TestClient(app))
        return clients[-1]

    yield make
    for client in clients:
        client.close()
    services.close()


def test_every_client_side_route_gets_the_page_shell(
    serve: Callable[[Path], TestClient], tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX, encoding="utf-8")
    (dist / "assets" / "app.js").write_text("console.log('deckchat')", encoding="utf-8")
    client = serve(dist)
    for path in CLIENT_ROUTES:
        page = client.get(path)
        assert (page.status_code, page.text) == (200, INDEX), path
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-cache", path  # a new build shows at the next load
    script = client.get("/assets/app.js")
    assert script.status_code == 200 and script.text == "console.log('deckchat')"
    assert client.get("/d/talk/7/extra").status_code == 404
    assert client.get("/openapi.json").json()["paths"] == {}  # the shell is not part of the API


def test_an_unbuilt_front_end_says_how_to_build_it(
    serve: Callable[[Path], TestClient], tmp_path: Path
) -> None:
    client = serve(tmp_path / "never-built")
    for path in CLIENT_ROUTES:
        page = client.get(path)
        assert page.status_code == 503, path
        assert "make setup" in page.text and 'href="/docs"' in page.text
    assert client.get("/assets/app.js").status_code == 404
