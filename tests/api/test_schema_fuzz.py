"""schemathesis: property-based requests made from the app's own OpenAPI schema find no 5xx, for a
signed-out caller and for a presenter with an API token, on a library holding a real ingested deck."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.jobs.in_process import ingest_now
from deckchat.services.app_services import Services
from deckchat.settings import Settings

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Api:
    app: FastAPI
    token: str


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, decks_dir: Path) -> Iterator[Api]:
    settings = Settings(
        home=tmp_path_factory.mktemp("fuzz-home"),
        llm="extractive",
        chat_rate_per_ip="100000/minute",
        chat_rate_per_session="100000/minute",
        viewer_sessions_per_ip="100000/minute",
        sign_in_rate="100000/minute",
    )
    app = create_app(bootstrap(settings), run_jobs=False)
    with TestClient(app):  # runs the app's startup, so every call below finds its state
        accounts = app.state.accounts
        owner = accounts.add_user("fuzz@example.com", "correct horse")
        _, token = accounts.create_token(owner.email, "fuzz")
        services: Services = app.state.services
        deck = decks_dir / "bsides-2016-sms-otp-not-secure-beamer.pdf"
        ingest_now(services, deck, visibility="public", owner_id=owner.id)
        yield Api(app, token)


_FUZZ = hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


@pytest.mark.parametrize("caller", ["stranger", "presenter"])
def test_no_request_makes_a_server_error(api: Api, caller: str) -> None:
    # schemathesis's own pytest plugin does not run on this pytest, so each operation's strategy is
    # driven by hypothesis directly: the same generated cases, the same check.
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    headers = {"Authorization": f"Bearer {api.token}"} if caller == "presenter" else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @_FUZZ
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            statuses.append(response.status_code)

        fuzz()
    assert len(statuses) >= 10 * len(operations)
    assert all(status < 500 for status in statuses)
    assert any(200 <= status < 300 for status in statuses)  # not only refusals: some got through
