"""Typed dependencies routes ask for. They are async: FastAPI runs a plain ``def`` dependency in a
worker thread, a hop that costs more than reading an attribute."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from deckchat.api.limits import GeneratorGate, RateLimits
from deckchat.api.media_cache import MediaCache
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services
from deckchat.services.chat import ChatService
from deckchat.services.deck_content import DeckContent
from deckchat.services.decks import DeckService
from deckchat.services.scratch import Scratch
from deckchat.settings import Settings
from deckchat.store.db import Database


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _decks(request: Request) -> DeckService:
    return services_of(request).decks


async def _content(request: Request) -> DeckContent:
    return services_of(request).content


async def _scratch(request: Request) -> Scratch:
    return services_of(request).scratch


async def _settings(request: Request) -> Settings:
    return services_of(request).settings


async def _database(request: Request) -> Database:
    return services_of(request).db


async def _supervisor(request: Request) -> Supervisor | None:
    supervisor: Supervisor | None = request.app.state.supervisor
    return supervisor


async def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


async def _chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


async def _rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


async def _generator_gate(request: Request) -> GeneratorGate:
    gate: GeneratorGate = request.app.state.generator_gate
    return gate


async def _media_cache(request: Request) -> MediaCache:
    cache: MediaCache = request.app.state.media_cache
    return cache


AccountsDep = Annotated[Accounts, Depends(_accounts)]
ChatDep = Annotated[ChatService, Depends(_chat)]
RateLimitsDep = Annotated[RateLimits, Depends(_rate_limits)]
GateDep = Annotated[GeneratorGate, Depends(_generator_gate)]
MediaCacheDep = Annotated[MediaCache, Depends(_media_cache)]
DecksDep = Annotated[DeckService, Depends(_decks)]
ContentDep = Annotated[DeckContent, Depends(_content)]
ScratchDep = Annotated[Scratch, Depends(_scratch)]
SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
SupervisorDep = Annotated[Supervisor | None, Depends(_supervisor)]
