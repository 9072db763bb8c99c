"""Ingest a deck now, in this process: add it with its notes and run its job to the end.

The CLI's `add`, `eval`, the demo deck, the benchmarks and the tests all want a ready deck from a file
and nothing in the background; this is the one place that says how.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from deckchat.core.deck import DeckStatus, Visibility
from deckchat.core.errors import DeckchatError
from deckchat.core.ports import ProgressSink
from deckchat.ingest.validate import SourceFile
from deckchat.jobs.execute import release, run_job
from deckchat.services.app_services import Services
from deckchat.store import jobs


class IngestFailed(DeckchatError):
    """The deck's job ended failed; ``code`` and the sentence are the job's own, after the file's name."""

    status = 422


def ingest_now(
    services: Services,
    deck: Path,
    notes: Sequence[Path] = (),
    *,
    title: str | None = None,
    visibility: Visibility = Visibility.UNLISTED,
    owner_id: str | None = None,
    password: str | None = None,
    expires_at: datetime | None = None,
    listener: ProgressSink | None = None,
) -> str:
    """The id of a ready deck made from ``deck`` and ``notes``; the options are ``DeckService.add``'s, and
    ``listener`` hears the job's progress.

    Raises the upload's refusal as ``DeckService.add`` does, and a failed job as an ``IngestFailed``
    carrying the job's code. Interrupted (Ctrl-C), the job goes back to the queue for a server to
    finish, and the interrupt goes on.
    """
    worker = jobs.owner_id()
    deck_id, job_id = services.decks.add(
        SourceFile(deck, deck.name),
        [SourceFile(path, path.name) for path in notes],
        title=title,
        visibility=visibility,
        owner_id=owner_id,
        password=password,
        expires_at=expires_at,
        worker=worker,
    )
    try:
        run_job(services, job_id, worker, listener=listener)
    except KeyboardInterrupt:
        release(services.db, job_id, services.settings.job_max_attempts)
        raise
    view = services.decks.get(deck_id)
    if view.error is not None:
        raise IngestFailed(f"{deck.name}: {view.error.message}", code=view.error.code)
    if view.status != DeckStatus.READY:  # run_job gave the job up: another worker took its lease
        raise IngestFailed(
            f"{deck.name}: another worker took over its ingestion; `deckchat list` shows how it ends.",
            code="ingest_taken_over",
        )
    return deck_id
