"""Commands run in this process: typer's CliRunner on the real app, over the test's own DECKCHAT_HOME.

Much faster than a process per command (importing the CLI takes seconds), for tests of what a command
itself does; the contract as a presenter meets it is tested with real processes (tests.live.cli)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from deckchat.cli import state
from deckchat.cli.main import app

Command = Callable[..., Result]


def _forget() -> None:
    for made_once in (state.runtime, state.services, state.accounts):
        made_once.cache_clear()


@pytest.fixture
def command(home: Path) -> Iterator[Command]:
    """``command(*args, stdin=...)`` runs `deckchat ARGS`. The settings and services a command makes once
    per process are made afresh on ``home`` for this test (state.py), and closed after it."""
    _forget()
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=stdin, env={"COLUMNS": "400", "NO_COLOR": "1"})

    yield run
    if state.services.cache_info().currsize:
        state.services().close()
    _forget()
