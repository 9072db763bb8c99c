"""ask: the answer on stdout (streamed, or one JSON document), its citations and conversation on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deckchat.cli import state
from deckchat.jobs.in_process import ingest_now
from tests.cli.conftest import Command
from tests.ingest.hostile import pages_pdf

TEXT = "Tides follow the moon, twice a day"


def _two_slides_saying_the_same(tmp_path: Path) -> str:
    """A ready deck in the commands' own home, whose two slides say the same thing."""
    return ingest_now(state.services(), pages_pdf(tmp_path, 2, text=TEXT))


def test_ask_answers_from_the_deck_and_a_follow_up_continues_the_conversation(
    command: Command, tmp_path: Path
) -> None:
    deck_id = _two_slides_saying_the_same(tmp_path)

    first = command("ask", deck_id, "What do tides follow?", "--llm", "extractive", "--json")
    assert first.exit_code == 0, first.output
    reply = json.loads(first.stdout)
    assert (reply["refused"], reply["llm"]) == (False, "extractive")
    (cited,) = reply["citations"]
    assert (cited["slide"], cited["quote"], first.stderr) == (1, TEXT, "")
    # Where pages_pdf draws the line: from x = 36 pt of 720, on a baseline 300 pt up a 405 pt page.
    (region,) = cited["regions"]
    assert region["x"] == pytest.approx(36 / 720, abs=0.002)
    assert 1 - 300 / 405 <= region["y"] + region["h"] <= 1 - 300 / 405 + 0.02  # the descenders below it

    # A person reading: the answer alone on stdout, where it was cited and how to go on, on stderr.
    on_slide_2 = ("--slide", "2", "--conversation", reply["conversation_id"])
    follow_up = command("ask", deck_id, "And how often?", "--llm", "extractive", *on_slide_2)
    assert follow_up.exit_code == 0, follow_up.output
    assert follow_up.stdout == f"{TEXT}. [2]\n"  # the slide the viewer is on, of two that say it
    assert follow_up.stderr.splitlines() == [
        f"  [slide 2] {TEXT}",
        f"(conversation {reply['conversation_id']}; extractive)",
    ]


def test_a_refusal_cites_nothing(command: Command, tmp_path: Path) -> None:
    deck_id = _two_slides_saying_the_same(tmp_path)
    refused = command("ask", deck_id, "What was the weather in Paris in 1850?", "--llm", "extractive")
    assert refused.exit_code == 0, refused.output
    assert refused.stdout.startswith("The deck doesn't say.")
    [said] = refused.stderr.splitlines()
    assert said.startswith("(conversation ") and said.endswith("; extractive)")
