"""ingest_now: a ready deck from a file in this process, or the job's own error."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.deck import Stage
from deckchat.jobs.in_process import IngestFailed, ingest_now
from deckchat.services.app_services import Services
from tests.ingest.hostile import pages_pdf, small_pptx


def test_a_deck_and_its_notes_come_back_ready_with_the_options_given(
    services: Services, tmp_path: Path
) -> None:
    deck = pages_pdf(tmp_path, 2, text="Tides follow the moon")
    notes = tmp_path / "talk.md"
    notes.write_text("# Opening\nThe moon pulls the sea.\n", encoding="utf-8")
    stages: list[Stage] = []

    deck_id = ingest_now(
        services, deck, [notes], title="Tides", visibility="public", listener=lambda s, d, t: stages.append(s)
    )

    view = services.decks.get(deck_id)
    assert (view.status, view.slide_count, view.title, view.visibility) == ("ready", 2, "Tides", "public")
    assert [doc.filename for doc in services.content.notes(deck_id)] == ["talk.md"]
    assert stages[0] is Stage.VALIDATE and Stage.INDEX in stages  # the listener heard the whole job


def test_a_failed_job_raises_its_code_after_the_files_name(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A PPTX passes the upload's checks; without LibreOffice on the PATH its job fails in conversion.
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    deck = small_pptx(tmp_path)

    with pytest.raises(IngestFailed) as failed:
        ingest_now(services, deck)

    assert failed.value.code == "libreoffice_missing"
    assert failed.value.message.startswith("deck.pptx: ") and "LibreOffice" in failed.value.message
    [view] = services.decks.decks()
    assert view.status == "failed" and view.error is not None and view.error.code == "libreoffice_missing"
