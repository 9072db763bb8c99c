"""What a command works on, opened once per process: the settings, read from the environment and
bootstrapped (folders, temp files, the signing key) on first use, and the services over them."""

from __future__ import annotations

from functools import cache

from deckchat.bootstrap import Runtime, bootstrap
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings


@cache
def runtime() -> Runtime:
    # On first use, not at startup: `--help` and commands that keep no data touch nothing.
    return bootstrap(Settings())


def settings() -> Settings:
    return runtime().settings


@cache
def services() -> Services:
    return open_services(settings())


@cache
def accounts() -> Accounts:
    return Accounts(services().db)
