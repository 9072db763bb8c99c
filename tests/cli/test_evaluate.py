"""eval: answer a QA file's questions over its decks; metrics as JSON or as a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Command
from tests.ingest.hostile import pages_pdf
from tests.live import cli


@pytest.mark.slow  # its own process, ingesting a real PPTX
def test_the_eval_command_answers_files_without_references(tmp_path: Path, decks_dir: Path) -> None:
    qa = tmp_path / "plain.jsonl"
    qa.write_text(
        json.dumps({"deck": "ms-python-pandas-series-dataframe.pptx", "question": "What is a DataFrame?"})
        + "\n",
        encoding="utf-8",
    )
    result = cli(tmp_path / "home", "eval", qa, "--decks", decks_dir, "--llm", "extractive", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [answered] = report["results"]
    assert answered["answer"] and answered["citations"] and not answered["refused"]
    assert report["metrics"]["questions"] == 1 and report["metrics"]["cited_slide_hit"] is None


def test_the_table_shows_each_metric_and_n_a_where_no_question_has_its_reference(
    command: Command, tmp_path: Path
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    pages_pdf(decks, 2, name="tides.pdf", text="Tides follow the moon, twice a day")
    qa = tmp_path / "qa.jsonl"
    question = {"deck": "tides.pdf", "question": "What do tides follow?", "slides": [1, 2], "kind": "fact"}
    qa.write_text(json.dumps(question) + "\n", encoding="utf-8")

    done = command("eval", str(qa), "--decks", str(decks), "--llm", "extractive")
    assert done.exit_code == 0, done.output
    table = dict(line.split(maxsplit=1) for line in done.stdout.splitlines())
    assert (table["questions"], table["cited_slide_hit"]) == ("1", "1.000")
    assert table["refusal_precision"] == "n/a"  # no question here should be refused


def test_a_missing_qa_file_is_one_line(command: Command, tmp_path: Path) -> None:
    missing = command("eval", str(tmp_path / "qa.jsonl"), "--decks", str(tmp_path))
    assert (missing.exit_code, missing.stderr) == (1, f"error: {tmp_path / 'qa.jsonl'}: no such file.\n")
