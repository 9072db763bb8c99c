"""Deck rows to the views the API and the CLI show, in two queries for a list of any length."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from deckchat.core.deck import JobStatus, Stage
from deckchat.services.deck_access import as_utc, password_stamp
from deckchat.services.views import DeckView, ErrorView, ProgressView, media_url
from deckchat.store import decks as deck_rows
from deckchat.store.tables import DeckRow, JobRow


class DeckViews:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def deck_url(self, slug: str) -> str:
        return f"{self.base_url}/d/{slug}"

    def one(self, session: Session, deck: DeckRow) -> DeckView:
        return self.many(session, [deck])[0]

    def many(self, session: Session, decks: Sequence[DeckRow]) -> list[DeckView]:
        """The views of ``decks``: one query for all their jobs and thumbnails, whatever their number."""
        states = deck_rows.deck_states(session, [deck.id for deck in decks])
        return [self._view(deck, states[deck.id]) for deck in decks]

    def _view(self, deck: DeckRow, state: deck_rows.DeckState) -> DeckView:
        job, new_version = state.job, state.new_version
        return DeckView(
            id=deck.id,
            slug=deck.slug,
            title=deck.title,
            description=deck.description,
            visibility=deck.visibility,
            owner_id=deck.owner_id,
            has_password=deck.password_hash is not None,
            expires_at=as_utc(deck.expires_at),
            password_stamp=password_stamp(deck.password_hash),
            status=deck.status,
            slide_count=deck.slide_count,
            source_filename=deck.source_filename,
            source_format=deck.source_format,
            url=self.deck_url(deck.slug),
            thumbnail=media_url(state.thumb_hash) if state.thumb_hash else None,
            progress=_progress(job) if job else ProgressView(job_id=None, stage=Stage.DONE, done=0, total=0),
            error=ErrorView(deck.error_code, deck.error_message or "") if deck.error_code else None,
            created_at=deck.created_at,
            notes_mode=deck.notes_mode,
            suggested_questions=list(deck.suggested_questions or []),
            allow_download=deck.allow_download,
            download_url=f"/api/decks/{deck.id}/original" if deck.allow_download else None,
            version=deck.version,
            replacing=_progress(new_version)
            if new_version and new_version.status in (JobStatus.QUEUED, JobStatus.RUNNING)
            else None,
            replace_error=(
                ErrorView(new_version.error_code, new_version.error_message or "")
                if new_version and new_version.status == JobStatus.FAILED and new_version.error_code
                else None
            ),
            updated_at=deck.updated_at,
        )


def _progress(job: JobRow) -> ProgressView:
    return ProgressView(job_id=job.id, stage=job.stage, done=job.done, total=job.total)
