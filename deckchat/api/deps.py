"""Typed dependencies routes ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from deckchat.api.limits import ChatLimits, GeneratorGate
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


def _chat_limits(request: Request) -> ChatLimits:
    limits: ChatLimits = request.app.state.chat_limits
    return limits


def _generator_gate(request: Request) -> GeneratorGate:
    gate: GeneratorGate = request.app.state.generator_gate
    return gate


ChatDep = Annotated[ChatService, Depends(_chat)]
ChatLimitsDep = Annotated[ChatLimits, Depends(_chat_limits)]
GateDep = Annotated[GeneratorGate, Depends(_generator_gate)]
LibraryDep = Annotated[Library, Depends(_library)]
SupervisorDep = Annotated[Supervisor | None, Depends(_supervisor)]
