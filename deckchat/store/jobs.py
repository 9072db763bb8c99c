"""The ingestion job queue in SQL: claim with a lease, report progress, finish or fail.

A claim is a conditional UPDATE, so two workers (threads, processes or hosts) never take the same job,
on SQLite and PostgreSQL alike. A worker that dies stops renewing its lease; its job becomes claimable.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from deckchat.core.deck import DeckStatus, JobStatus, Stage
from deckchat.store.tables import DeckRow, JobRow


def owner_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(
    session: Session,
    deck_id: str,
    *,
    owner: str | None = None,
    lease_s: float = 60,
    replacement: dict[str, Any] | None = None,
) -> JobRow:
    """A new job for a deck; with ``owner`` it is claimed at once by that worker. With
    ``replacement`` it ingests a new version (see ``JobRow.replacement``)."""
    job = JobRow(
        id=secrets.token_hex(8),
        deck_id=deck_id,
        status=JobStatus.QUEUED,
        stage=Stage.QUEUED,
        replacement=replacement,
    )
    if owner:
        job.status, job.lease_owner, job.lease_until, job.attempts = (
            JobStatus.RUNNING,
            owner,
            _lease(lease_s),
            1,
        )
    session.add(job)
    session.flush()
    return job


def _lease(lease_s: float) -> datetime:
    return _now() + timedelta(seconds=lease_s)


def _claimable(now: datetime) -> object:
    return or_(
        JobRow.status == JobStatus.QUEUED, and_(JobRow.status == JobStatus.RUNNING, JobRow.lease_until < now)
    )


def claim_next(session: Session, owner: str, lease_s: float) -> JobRow | None:
    now = _now()
    candidates = session.scalars(
        select(JobRow.id).where(_claimable(now)).order_by(JobRow.created_at).limit(5)  # type: ignore[arg-type]
    ).all()
    for job_id in candidates:
        claimed = session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, _claimable(now))  # type: ignore[arg-type]
            .values(
                status=JobStatus.RUNNING,
                lease_owner=owner,
                lease_until=_lease(lease_s),
                attempts=JobRow.attempts + 1,
            )
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            job = session.get_one(JobRow, job_id, populate_existing=True)
            if job.replacement is None:  # a deck being replaced keeps serving its current version
                session.execute(
                    update(DeckRow).where(DeckRow.id == job.deck_id).values(status=DeckStatus.PROCESSING)
                )
            return job
    return None


def heartbeat(
    session: Session, job_id: str, owner: str, lease_s: float, stage: Stage, done: int, total: int
) -> bool:
    """Renew the lease and record progress; False means the job is no longer ours."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.lease_owner == owner, JobRow.status == JobStatus.RUNNING)
        .values(lease_until=_lease(lease_s), stage=stage, done=done, total=total)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(session: Session, job: JobRow) -> None:
    job.status, job.stage, job.lease_until = JobStatus.DONE, Stage.DONE, None


def fail(session: Session, job: JobRow, code: str, message: str) -> None:
    job.status, job.error_code, job.error_message, job.lease_until = JobStatus.FAILED, code, message, None
    if job.replacement is not None:  # the current version stays; the job keeps the reason
        return
    deck = session.get_one(DeckRow, job.deck_id)
    deck.status, deck.error_code, deck.error_message = DeckStatus.FAILED, code, message


def release_dead(session: Session, max_attempts: int) -> int:
    """Requeue running jobs whose worker process on this host is gone, without waiting out the lease."""
    host = socket.gethostname()
    released = 0
    for job in session.scalars(select(JobRow).where(JobRow.status == JobStatus.RUNNING)):
        owner_host, _, pid = (job.lease_owner or "").rpartition(":")
        if owner_host == host and pid.isdigit() and not process_alive(int(pid)):
            release(session, job, max_attempts)
            released += 1
    return released


def release(session: Session, job: JobRow, max_attempts: int) -> None:
    """Give a job whose worker died back to the queue, or fail it when it keeps killing workers."""
    if job.attempts >= max_attempts:
        fail(
            session,
            job,
            "ingest_crashed",
            f"Ingestion stopped unexpectedly {job.attempts} times on this deck; try exporting it to PDF "
            f"and uploading that, or give the server's administrator this reference: {job.id}.",
        )
        return
    job.status, job.lease_owner, job.lease_until = JobStatus.QUEUED, None, None
    if job.replacement is None:
        session.get_one(DeckRow, job.deck_id).status = DeckStatus.QUEUED


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); it is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def latest_job(session: Session, deck_id: str, *, replacement: bool = False) -> JobRow | None:
    """The deck's latest first-ingestion job, or with ``replacement`` its latest new-version job."""
    kind = JobRow.replacement.is_not(None) if replacement else JobRow.replacement.is_(None)
    query = (
        select(JobRow)
        .where(JobRow.deck_id == deck_id, kind)
        .order_by(JobRow.created_at.desc(), JobRow.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
