"""What a presenter sees when a job fails for a reason of ours: a sentence and a reference to the log."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from deckchat.ingest.validate import SourceFile
from deckchat.jobs import execute
from deckchat.services.app_services import Services
from deckchat.store.jobs import owner_id
from tests.ingest.hostile import pages_pdf


def test_an_internal_error_shows_a_reference_that_the_log_has_beside_the_traceback(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_index(*args: object) -> None:
        raise RuntimeError("index writer exploded")

    # A fault of ours, not the file's: the deck itself is a plain one-page PDF.
    monkeypatch.setattr(execute, "build_index", broken_index)
    deck = pages_pdf(tmp_path)
    owner = owner_id()
    deck_id, job_id = services.decks.add(SourceFile(deck, deck.name), worker=owner)
    with caplog.at_level(logging.ERROR, logger=execute.__name__):
        execute.run_job(services, job_id, owner)

    error = services.decks.get(deck_id).error
    assert error is not None and error.code == "ingest_failed"
    found = re.search(r"reference: ([0-9a-f]{8})\.$", error.message)
    assert found, error.message
    assert "index writer exploded" not in error.message  # internals stay in the log
    [record] = [r for r in caplog.records if found[1] in r.getMessage()]
    assert job_id in record.getMessage()
    assert record.exc_info is not None and "index writer exploded" in str(record.exc_info[1])


def test_each_internal_error_gets_its_own_reference(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_index(*args: object) -> None:
        raise RuntimeError("index writer exploded")

    monkeypatch.setattr(execute, "build_index", broken_index)
    owner = owner_id()
    messages = []
    for text in ("first deck", "second deck"):
        deck = pages_pdf(tmp_path, name=f"{text.split()[0]}.pdf", text=text)
        deck_id, job_id = services.decks.add(SourceFile(deck, deck.name), worker=owner)
        execute.run_job(services, job_id, owner)
        error = services.decks.get(deck_id).error
        assert error is not None
        messages.append(error.message)
    assert messages[0] != messages[1]
