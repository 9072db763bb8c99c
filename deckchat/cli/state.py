"""The services a command works on, opened once per process from the settings."""

from __future__ import annotations

from functools import cache

from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings


@cache
def settings() -> Settings:
    return Settings()


@cache
def services() -> Services:
    return open_services(settings())


@cache
def accounts() -> Accounts:
    return Accounts(services().db)
