"""Typed dependencies routes ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from deckchat.jobs.supervisor import Supervisor
from deckchat.services.chat import ChatService
from deckchat.services.library import Library


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _supervisor(request: Request) -> Supervisor | None:
    supervisor: Supervisor | None = request.app.state.supervisor
    return supervisor


def _chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


ChatDep = Annotated[ChatService, Depends(_chat)]
LibraryDep = Annotated[Library, Depends(_library)]
SupervisorDep = Annotated[Supervisor | None, Depends(_supervisor)]
