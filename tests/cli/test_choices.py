"""The CLI's choices are core's enums: an option refuses a wrong value by listing exactly their values."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from typer.testing import CliRunner

from deckchat.cli.main import app
from deckchat.core.chat import NotesMode
from deckchat.core.deck import Visibility


def _offered(args: list[str]) -> list[str]:
    """The values the CLI names when it refuses the last argument, as a user reads them."""
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 2, result.output
    listed = re.search(r"is not one of (.+?)\.\s", result.output)
    assert listed, result.output
    return re.findall(r"'([^']*)'", listed.group(1))


@pytest.mark.parametrize(
    ("args", "enum"),
    [
        (["add", "talk.pdf", "--visibility", "everyone"], Visibility),
        (["eval", "qa.jsonl", "--decks", "decks", "--notes-mode", "everyone"], NotesMode),
    ],
    ids=["add --visibility", "eval --notes-mode"],
)
def test_options_offer_the_core_enums_values(args: list[str], enum: type[StrEnum]) -> None:
    assert _offered(args) == [member.value for member in enum]


def test_help_shows_the_choices_and_the_default() -> None:
    result = CliRunner().invoke(app, ["add", "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert f"<{'|'.join(v.value for v in Visibility)}>" in result.output
    assert f"[default: {Visibility.UNLISTED.value}]" in result.output
