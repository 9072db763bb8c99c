"""POST /api/decks/{ref}/chat: server-sent events token by token, or the final answer as JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from sse_starlette import EventSourceResponse
from starlette.responses import Response

from deckchat.api.auth import CallerDep, ViewDeck, remember_viewer
from deckchat.api.deps import ChatDep, GateDep, RateLimitsDep
from deckchat.api.schemas import AnswerOut, ChatRequest, ErrorBody
from deckchat.core.errors import DeckchatError
from deckchat.services.chat import Reply

router = APIRouter(prefix="/api/decks", tags=["chat"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 404, 409, 413, 422, 429, 503)
}


async def _count_question(
    request: Request, body: ChatRequest, caller: CallerDep, limits: RateLimitsDep
) -> ChatRequest:
    """Count a well-formed question against the caller's session and the address before the deck is
    looked up: a flood's refusals must cost the server next to nothing. (A body that fails validation
    skips this: FastAPI calls a dependency only once its own parameters are valid.)"""
    address = request.client.host if request.client else "unknown"
    if caller.session is None:
        # A browser's first question starts the session its limit counts, and counts as a new session
        # from its address. The cookie goes out even with that 429: a browser retries as the session
        # it was given, while a client that drops its cookie stays held to the new-session rate.
        remember_viewer(request, caller)
        limits.new_session(address)
    limits.chat_sender(address, caller.session)
    return body


CountedQuestion = Annotated[ChatRequest, Depends(_count_question)]


def answer_out(reply: Reply) -> AnswerOut:
    return AnswerOut.model_validate(reply.as_json())


@router.post(
    "/{ref}/chat",
    response_model=AnswerOut,
    responses={200: {"content": {"text/event-stream": {}}}, **_ERRORS},
)
async def chat(
    body: CountedQuestion,  # first: FastAPI resolves dependencies in this order
    deck: ViewDeck,
    request: Request,
    service: ChatDep,
    limits: RateLimitsDep,
    gate: GateDep,
) -> Response | AnswerOut:
    """Ask the deck. With `Accept: text/event-stream`: `token` events, then one `answer` event
    (the same object as the JSON reply). Otherwise the answer object alone. Too many questions get
    429, and a generator with a full queue 503, both with `Retry-After`."""
    limits.chat_deck(deck.id)
    ref = deck.id
    generator = await run_in_threadpool(service.generator, None)
    async with AsyncExitStack() as held:
        if generator is not None:  # extractive answers take milliseconds and need no queue
            await held.enter_async_context(gate.slot())
        events = service.ask(
            ref, body.question, conversation_id=body.conversation_id, slide=body.slide, generator=generator
        )
        # Errors the user can act on (no such deck, bad slide) surface before any event is sent.
        first = await run_in_threadpool(next, events)
        if "text/event-stream" not in request.headers.get("accept", ""):
            reply = first if isinstance(first, Reply) else await run_in_threadpool(_last, events)
            return answer_out(reply)
        # The stream holds the generator's slot until its last event.
        return EventSourceResponse(_stream(first, events, held.pop_all()), ping=15)


def _last(events: Iterator[str | Reply]) -> Reply:
    reply = None
    for item in events:
        reply = item
    assert isinstance(reply, Reply)
    return reply


async def _stream(
    first: str | Reply, events: Iterator[str | Reply], held: AsyncExitStack
) -> AsyncIterator[dict[str, str]]:
    async with held:
        async for event in _events(first, events):
            yield event


async def _events(first: str | Reply, events: Iterator[str | Reply]) -> AsyncIterator[dict[str, str]]:
    try:
        async for item in _chain(first, events):
            if isinstance(item, Reply):
                yield {"event": "answer", "data": answer_out(item).model_dump_json()}
            elif item:
                yield {"event": "token", "data": json.dumps({"text": item}, ensure_ascii=False)}
    except DeckchatError as error:
        yield {"event": "error", "data": json.dumps({"code": error.code, "message": error.message})}


async def _chain(first: str | Reply, events: Iterator[str | Reply]) -> AsyncIterator[str | Reply]:
    yield first
    async for item in iterate_in_threadpool(events):
        yield item
