"""Run one claimed ingestion job to its end: a ready deck, or a failed one with the reason."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from deckchat.core.deck import JobStatus, NotesFormat, Stage
from deckchat.core.errors import DeckchatError
from deckchat.ingest.pipeline import IngestOptions, NotesSource, ingest
from deckchat.ingest.validate import SourceFile
from deckchat.jobs.progress import JobProgress, LeaseLost
from deckchat.services.app_services import Services
from deckchat.services.indexing import build_index
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows
from deckchat.store import jobs
from deckchat.store.db import Database
from deckchat.store.tables import DeckRow, JobRow

log = logging.getLogger(__name__)


def ingest_options(s: Settings) -> IngestOptions:
    return IngestOptions(
        limits=s.limits,
        soffice=s.soffice,
        convert_timeout_s=s.convert_timeout_s,
        image_width=s.image_width,
        thumb_width=s.thumb_width,
        webp_quality=s.webp_quality,
        ocr_min_chars=s.ocr_min_chars,
        ocr_picture_share=s.ocr_picture_share,
    )


def run_job(
    services: Services,
    job_id: str,
    owner: str,
    listener: Callable[[Stage, int, int], None] | None = None,
) -> None:
    """Ingest the job's deck. Failures the user can act on are recorded on the deck, not raised."""
    db, blobs = services.db, services.blobs
    with db.session() as session:
        job = session.get_one(JobRow, job_id)
        deck = session.get_one(DeckRow, job.deck_id)
        replacement = job.replacement
        if replacement is None:
            source = SourceFile(blobs.path(deck.source_hash), deck.source_filename)
            notes_rows = [
                deck_rows.NewNotes(d.filename, d.format, d.blob_hash)
                for d in deck_rows.load_notes(session, deck.id)
            ]
        else:  # a new version: its own files; the presenter's title stays
            source = SourceFile(blobs.path(replacement["source_hash"]), replacement["source_filename"])
            notes_rows = deck_rows.replacement_notes(replacement)
        notes = [
            NotesSource(SourceFile(blobs.path(n.blob_hash), n.filename), NotesFormat(n.format), n.blob_hash)
            for n in notes_rows
        ]
        keep_title = replacement is not None or deck.title != _stem(deck.source_filename)
    try:
        with (
            JobProgress(db, job_id, owner, services.settings.job_lease_s, listener) as progress,
            services.scratch.folder("job-") as work_dir,
        ):
            result = ingest(
                source,
                notes,
                options=ingest_options(services.settings),
                blobs=blobs,
                progress=progress,
                work_dir=work_dir,
            )
            # Indexing belongs to the job: a deck is ready only once it can be searched.
            progress(Stage.INDEX, 0, 1)
            built = build_index(blobs, result.slides, result.notes)
            progress(Stage.INDEX, 1, 1)
            progress(Stage.STORE, 0, 1)
    except LeaseLost:
        log.warning("job %s was taken over by another worker; dropping this run", job_id)
        return
    except DeckchatError as error:
        _record_failure(db, job_id, owner, error.code, error.message)
        return
    except Exception:
        reference = secrets.token_hex(4)
        # The reference joins what the presenter sees to this traceback in the server log.
        log.exception("ingestion of job %s failed [reference %s]", job_id, reference)
        _record_failure(db, job_id, owner, "ingest_failed", internal_error_message(reference))
        return
    with db.session() as session:
        job = session.get_one(JobRow, job_id, with_for_update=True)
        if not _still_ours(job, owner):
            return
        deck = session.get_one(DeckRow, job.deck_id)
        old_blobs = deck_rows.apply_version(session, deck, replacement) if replacement else set()
        deck_rows.save_ingested(
            session,
            deck,
            result,
            keep_title=keep_title,
            index_hash=built.blob_hash,
            suggestions=built.suggestions,
        )
        jobs.finish(session, job)
    if old_blobs:
        services.decks.collect_blobs(old_blobs)


def internal_error_message(reference: str) -> str:
    return (
        "Ingestion failed because of an internal error in deckchat. Exporting the deck as PDF and "
        f"uploading that may work; otherwise give the server's administrator this reference: {reference}."
    )


def _stem(filename: str) -> str:
    return filename.rsplit(".", 1)[0]


def _still_ours(job: JobRow, owner: str) -> bool:
    return job.status == JobStatus.RUNNING and job.lease_owner == owner


def _record_failure(db: Database, job_id: str, owner: str, code: str, message: str) -> None:
    with db.session() as session:
        job = session.get_one(JobRow, job_id)
        if _still_ours(job, owner):
            jobs.fail(session, job, code, message)


def release(db: Database, job_id: str, max_attempts: int) -> None:
    """Give an interrupted job back to the queue (the CLI calls this on Ctrl-C)."""
    with db.session() as session:
        job = session.get_one(JobRow, job_id)
        if job.status == JobStatus.RUNNING:
            jobs.release(session, job, max_attempts)
