"""The app factory: it refuses a route that declares no access rule, and runs the job supervisor for
the app's lifetime only when asked to."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from deckchat import __version__
from deckchat.api import app as app_module
from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings


def test_the_app_refuses_a_route_without_a_rule(tmp_path: Path) -> None:
    app = FastAPI()
    bare = APIRouter()
    bare.add_api_route("/api/forgotten", lambda: {}, methods=["GET"])
    app.include_router(bare)
    with pytest.raises(RuntimeError, match="GET /api/forgotten declares no access rule"):
        app_module._check_rules(app)


def _supervisors() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "job-supervisor" and t.is_alive()]


def test_jobs_run_for_the_app_s_lifetime_only_when_asked(home: Path) -> None:
    runtime = bootstrap(Settings(home=home))
    with TestClient(create_app(runtime, run_jobs=False)) as client:
        assert client.app.state.supervisor is None  # type: ignore[attr-defined]
        assert not _supervisors()
        assert client.get("/openapi.json").json()["info"] == {"title": "deckchat", "version": __version__}
    with TestClient(create_app(runtime)) as client:
        assert client.app.state.supervisor is not None  # type: ignore[attr-defined]
        assert len(_supervisors()) == 1
    assert not _supervisors()  # stopped with the app
