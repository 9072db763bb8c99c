"""/api/decks: upload, status, settings, new versions, the original, progress, slides, notes, delete."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sse_starlette import EventSourceResponse

from deckchat.api.auth import Caller, CallerDep, OwnDeck, UserDep, ViewDeck
from deckchat.api.deps import ContentDep, DecksDep, ScratchDep, SettingsDep, SupervisorDep
from deckchat.api.schemas import DeckCreated, DeckList, DeckOut, ErrorBody, NotesList, SlideList
from deckchat.api.uploads import receive_upload
from deckchat.core.access import is_owner
from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat, DeckStatus, Visibility
from deckchat.core.errors import InvalidInput
from deckchat.core.expiry import parse_expiry
from deckchat.services.changes import DeckChanges, sent_changes
from deckchat.services.deck_access import facts_of
from deckchat.services.views import DeckView

router = APIRouter(prefix="/api/decks", tags=["decks"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 415, 422)
}
_PROGRESS_POLL_S = 0.3
# The route parses its multipart body as a stream (see uploads.py), so FastAPI cannot infer it.
_properties: dict[str, Any] = {
    "deck": {"type": "string", "format": "binary"},
    "notes": {"type": "array", "items": {"type": "string", "format": "binary"}},
    "title": {"type": "string"},
    "description": {"type": "string"},
    "visibility": {"type": "string", "enum": [v.value for v in Visibility]},
    "password": {"type": "string", "description": "For the password visibility."},
    "expires_at": {"type": "string", "format": "date-time", "description": "When the link stops working."},
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["deck"], "properties": _properties}
            }
        },
    }
}


# A new version takes the files alone; title and the rest are the deck's settings (PATCH).
_VERSION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["deck"],
                    "properties": {k: v for k, v in _properties.items() if k in ("deck", "notes")},
                }
            }
        },
    }
}
_MEDIA_TYPES: dict[str, str] = {
    DeckFormat.PDF: "application/pdf",
    DeckFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    DeckFormat.PPT: "application/vnd.ms-powerpoint",
    DeckFormat.ODP: "application/vnd.oasis.opendocument.presentation",
    DeckFormat.KEY: "application/x-iwork-keynote-sffkey",
}


@router.post("", status_code=202, response_model=DeckCreated, responses=_ERRORS, openapi_extra=_UPLOAD_BODY)
async def upload_deck(
    request: Request,
    user: UserDep,
    decks: DecksDep,
    scratch: ScratchDep,
    settings: SettingsDep,
    supervisor: SupervisorDep,
) -> DeckCreated:
    """Upload a deck (`deck` file) with any number of `notes` files, plus optional `title`,
    `description`, `visibility`, `password` and `expires_at` fields. Ingestion runs in the
    background; watch `/progress`."""
    with scratch.folder() as folder:
        upload = await receive_upload(request, folder, settings)
        visibility = _visibility(upload.fields.get("visibility"))
        assert upload.deck is not None
        deck_id, job_id = await run_in_threadpool(
            decks.add,
            upload.deck,
            upload.notes,
            title=(upload.fields.get("title") or "").strip() or None,
            description=upload.fields.get("description", ""),
            visibility=visibility,
            owner_id=user.id,
            password=upload.fields.get("password") or None,
            expires_at=_expiry(upload.fields.get("expires_at")),
        )
    if supervisor is not None:
        supervisor.wake()
    view = await run_in_threadpool(decks.get, deck_id)
    return DeckCreated(id=view.id, slug=view.slug, job_id=job_id, status=view.status, url=view.url)


def _visibility(text: str | None) -> Visibility:
    try:
        return Visibility(text or Visibility.UNLISTED)
    except ValueError:
        *others, last = (v.value for v in Visibility)
        raise InvalidInput(
            f"visibility must be {', '.join(others)} or {last}.", code="invalid_visibility"
        ) from None


def _expiry(text: str | None) -> datetime | None:
    return parse_expiry(text) if text else None


@router.get("", response_model=DeckList, responses=_ERRORS)
async def list_decks(user: UserDep, decks: DecksDep) -> DeckList:
    """The signed-in presenter's decks, newest first."""
    return DeckList.model_validate({"decks": await run_in_threadpool(decks.decks, user.id)})


@router.get("/{ref}", response_model=DeckOut, responses=_ERRORS)
async def get_deck(deck: ViewDeck) -> DeckOut:
    """A deck by id or slug, with its status, stage and progress."""
    return DeckOut.model_validate(deck)


@router.patch("/{ref}", response_model=DeckOut, responses=_ERRORS)
async def change_deck(deck: OwnDeck, changes: DeckChanges, decks: DecksDep) -> DeckOut:
    """Change the title, description, visibility, password, expiry, notes mode or whether the original
    may be downloaded. Fields left out stay; `expires_at: null` removes the expiry."""
    return DeckOut.model_validate(await run_in_threadpool(decks.update, deck.id, sent_changes(changes)))


@router.post(
    "/{ref}/versions",
    status_code=202,
    response_model=DeckCreated,
    responses=_ERRORS,
    openapi_extra=_VERSION_BODY,
)
async def replace_deck(
    deck: OwnDeck,
    request: Request,
    decks: DecksDep,
    scratch: ScratchDep,
    settings: SettingsDep,
    supervisor: SupervisorDep,
) -> DeckCreated:
    """Upload a new version (`deck` file and any `notes` files) under the same link. The deck serves
    its current version until the new one is ready; follow it through the deck's `replacing`."""
    with scratch.folder() as folder:  # the owner check has run: nobody else gets a large body read
        upload = await receive_upload(request, folder, settings)
        assert upload.deck is not None
        deck_id, job_id = await run_in_threadpool(decks.replace, deck.id, upload.deck, upload.notes)
    if supervisor is not None:
        supervisor.wake()
    view = await run_in_threadpool(decks.get, deck_id)
    return DeckCreated(id=view.id, slug=view.slug, job_id=job_id, status=view.status, url=view.url)


@router.get(
    "/{ref}/original",
    response_class=FileResponse,
    responses={200: {"content": {t: {} for t in sorted(set(_MEDIA_TYPES.values()))}}, **_ERRORS},
)
async def download_original(deck: ViewDeck, caller: CallerDep, content: ContentDep) -> FileResponse:
    """The file the presenter uploaded, as an attachment; 403 unless they allow downloads."""
    owner = is_owner(caller.client, facts_of(deck))
    path, filename = await run_in_threadpool(content.original, deck.id, owner=owner)
    media_type = _MEDIA_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    # The download setting can change at any time, so nothing may keep a copy past it.
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=media_type, filename=filename, headers=headers)


@router.get("/{ref}/slides", response_model=SlideList, responses=_ERRORS)
async def get_slides(deck: ViewDeck, caller: CallerDep, content: ContentDep) -> SlideList:
    """Every slide; speaker notes only when the deck's notes mode is `public` (its owner sees them)."""
    slides = await run_in_threadpool(content.slides, deck.id)
    if not _notes_shown(deck, caller):
        slides = [replace(slide, notes="") for slide in slides]
    return SlideList.model_validate({"deck_id": deck.id, "slides": slides})


@router.get("/{ref}/notes", response_model=NotesList, responses=_ERRORS)
async def get_notes(deck: ViewDeck, caller: CallerDep, content: ContentDep) -> NotesList:
    """The notes documents by section, when the deck's notes mode is `public`; otherwise none:
    `private` notes only help the chat find slides and are never shown. Its owner sees them always."""
    documents = await run_in_threadpool(content.notes, deck.id) if _notes_shown(deck, caller) else []
    return NotesList.model_validate({"deck_id": deck.id, "documents": documents})


def _notes_shown(deck: DeckView, caller: Caller) -> bool:
    return bool(deck.notes_mode == NotesMode.PUBLIC or is_owner(caller.client, facts_of(deck)))


@router.delete("/{ref}", status_code=204, responses=_ERRORS)
async def delete_deck(deck: OwnDeck, decks: DecksDep) -> Response:
    await run_in_threadpool(decks.remove, deck.id)
    return Response(status_code=204)


@router.get(
    "/{ref}/progress",
    responses={200: {"content": {"text/event-stream": {}}}, **_ERRORS},
)
async def deck_progress(deck: ViewDeck, decks: DecksDep) -> EventSourceResponse:
    """Server-sent events: `progress` whenever the stage or count changes, then one `ready` or `failed`."""
    ref = deck.id

    async def events() -> AsyncIterator[dict[str, str]]:
        last = None
        while True:
            deck = DeckOut.model_validate(await run_in_threadpool(decks.get, ref))
            state = (deck.status, deck.progress.stage, deck.progress.done, deck.progress.total)
            if state != last:
                last = state
                payload = json.dumps(deck.model_dump(mode="json"))
                if deck.status in (DeckStatus.READY, DeckStatus.FAILED):
                    yield {"event": deck.status, "data": payload}
                    return
                yield {"event": "progress", "data": payload}
            await asyncio.sleep(_PROGRESS_POLL_S)

    return EventSourceResponse(events(), ping=15)
