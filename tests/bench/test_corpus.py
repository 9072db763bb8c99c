"""The fixed part of the real-world corpus (tests/data/corpus) through bench/corpus.py, as `make test` runs
it: every file ready or refused with a code and a sentence naming it; no internal error, hang or retry."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.corpus import SUBSET, corpus_files, run_corpus, summary

pytestmark = pytest.mark.slow


def test_real_world_files_are_ready_or_refused_with_a_sentence(tmp_path: Path) -> None:
    files = corpus_files([SUBSET])
    with (SUBSET / "SOURCES.tsv").open() as sources:
        assert sorted(p.name for p in files) == sorted(
            row["file"] for row in csv.DictReader(sources, delimiter="\t")
        )

    outcomes = run_corpus(files, home=tmp_path / "home")

    assert [o for o in outcomes if o.result not in ("ready", "refused")] == []
    assert all(o.attempts <= 1 for o in outcomes), "a job was retried"
    for o in outcomes:
        if o.result == "refused":
            # A presenter's sentence about their file, not an internal message.
            assert o.code and o.file in o.message, o
            assert "PDFium" not in o.message and "Error" not in o.message, o
    counts = summary(outcomes)
    assert counts["ready"] and counts["refused"]  # the subset exercises both ends
