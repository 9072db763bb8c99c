"""/api/decks/{ref}/views and /analytics: what viewers looked at and asked, for the presenter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from deckchat.api.auth import OwnDeck, ViewDeck
from deckchat.api.deps import DatabaseDep
from deckchat.api.schemas import Analytics, ErrorBody, ViewedSlide
from deckchat.services import analytics

router = APIRouter(prefix="/api/decks", tags=["analytics"])
_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)}


@router.post("/{ref}/views", status_code=204, responses=_ERRORS)
async def record_view(deck: ViewDeck, body: ViewedSlide, db: DatabaseDep) -> Response:
    """Count a view of a slide: the viewer sends one once a slide has been on screen for a moment."""
    await run_in_threadpool(analytics.record_view, db, deck.id, body.slide)
    return Response(status_code=204)


@router.get("/{ref}/analytics", response_model=Analytics, responses=_ERRORS)
async def deck_analytics(deck: OwnDeck, db: DatabaseDep) -> Analytics:
    """Views and questions per slide, and the questions the bot could not answer: for the owner."""
    return Analytics.model_validate(await run_in_threadpool(analytics.report, db, deck.id))
