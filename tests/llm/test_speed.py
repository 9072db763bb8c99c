"""The speed harness: a deck-sized prompt that changes per run, and best-of timings of a generator."""

from __future__ import annotations

import re

import pytest

from deckchat.llm.speed import deck_prompt, measure
from tests.llm.scripted import Scripted


def test_the_deck_prompt_has_one_line_a_slide_and_differs_per_run() -> None:
    system, user = deck_prompt(0, slides=12)
    assert system.role == "system" and user.role == "user" and "hiring plan" in user.content
    assert re.findall(r"^\[Slide (\d+)\]", system.content, re.MULTILINE) == [str(i) for i in range(1, 13)]
    assert deck_prompt(1, slides=12)[0].content != system.content
    assert deck_prompt(1, slides=12)[1:] == deck_prompt(0, slides=12)[1:]


def test_measure_runs_each_prompt_and_reports_the_best() -> None:
    generator = Scripted(" ".join(f"w{i}" for i in range(20)))
    speed = measure(generator, lambda run: deck_prompt(run, slides=3), runs=3, max_tokens=5)
    assert speed.name == "scripted" and speed.first_token_s >= 0 and speed.pieces_per_s > 0
    assert [m[0].content.split(".")[0] for m in generator.prompts] == ["Session 0", "Session 1", "Session 2"]


def test_a_reply_too_short_to_time_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="scripted answered with 1 pieces"):
        measure(Scripted("one"), runs=1)
