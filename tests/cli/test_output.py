"""How commands talk: one JSON document on stdout, and a failure as one line on stderr."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import typer

from deckchat.cli.output import fail, print_json


@dataclass
class Shown:
    title: str
    at: datetime


def test_a_document_of_records_and_times_is_printed_as_one_json_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    when = datetime(2027, 1, 31, 23, 59, tzinfo=UTC)
    print_json({"decks": [Shown("Café ☕", when)], "at": when})
    out, err = capsys.readouterr()
    assert json.loads(out) == {
        "decks": [{"title": "Café ☕", "at": "2027-01-31T23:59:00+00:00"}],
        "at": "2027-01-31T23:59:00+00:00",
    }
    assert "Café ☕" in out and out.endswith("}\n") and err == ""  # text as it is, not \u escapes


def test_a_value_json_cannot_say_is_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError, match="cannot encode set"):
        print_json({"ids": {"a", "b"}})


def test_a_failure_is_one_line_on_stderr_and_an_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    message = "/decks/[draft] " + "a very long name " * 10 + "was not found."
    with pytest.raises(typer.Exit) as exited:
        fail(message, 130)
    out, err = capsys.readouterr()
    # Square brackets are the user's text, not markup; a long line is not wrapped at the console width.
    assert (exited.value.exit_code, out, err) == (130, "", f"error: {message}\n")
