"""Typed dependencies routes ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from deckchat.api.limits import GeneratorGate, RateLimits
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.accounts import Accounts
from deckchat.services.chat import ChatService
from deckchat.services.library import Library


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _supervisor(request: Request) -> Supervisor | None:
    supervisor: Supervisor | None = request.app.state.supervisor
    return supervisor


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


def _rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def _generator_gate(request: Request) -> GeneratorGate:
    gate: GeneratorGate = request.app.state.generator_gate
    return gate


AccountsDep = Annotated[Accounts, Depends(_accounts)]
ChatDep = Annotated[ChatService, Depends(_chat)]
RateLimitsDep = Annotated[RateLimits, Depends(_rate_limits)]
GateDep = Annotated[GeneratorGate, Depends(_generator_gate)]
LibraryDep = Annotated[Library, Depends(_library)]
SupervisorDep = Annotated[Supervisor | None, Depends(_supervisor)]
