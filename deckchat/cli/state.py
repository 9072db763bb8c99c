"""The library a command works on, opened once per process from the settings."""

from __future__ import annotations

from functools import cache

from deckchat.services.accounts import Accounts
from deckchat.services.library import Library
from deckchat.settings import Settings


@cache
def settings() -> Settings:
    return Settings()


@cache
def library() -> Library:
    return Library(settings())


@cache
def accounts() -> Accounts:
    return Accounts(library().db)
