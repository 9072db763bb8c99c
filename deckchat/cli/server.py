"""serve: run the API, the site and (unless --no-jobs) the ingestion workers in one process."""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer
import uvicorn

from deckchat.api.app import create_app
from deckchat.cli.output import err
from deckchat.cli.state import accounts, runtime, services, settings
from deckchat.cli.users import sign_in_url
from deckchat.demo.install import ensure_demo
from deckchat.services.chat import warm_up


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default: DECKCHAT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: DECKCHAT_PORT).")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Add the bundled demo deck first if it is missing.")
    ] = False,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Run ingestion jobs here too; --no-jobs leaves them to `deckchat worker` processes.",
        ),
    ] = True,
) -> None:
    """Serve the API, the deck sites and the background ingestion."""
    config = settings()
    if host is not None:
        config.host = host
    if port is not None:
        config.port = port
    if demo:
        url = ensure_demo(services(), accounts().local_owner().id)
        err.print(f"Demo deck: {url}", highlight=False)
    err.print(f"deckchat on {config.base_url}  (data in {config.home})", highlight=False)
    _offer_first_sign_in()
    app = create_app(runtime(), run_jobs=jobs)
    # The first viewer's question would otherwise wait for the embedders (and a model) to load.
    warm_up(config)
    # Worker threads (database reads, answers) hold the GIL for up to the switch interval at a time
    # while the event loop, which serves every slide image, waits for it: 5 ms by default.
    sys.setswitchinterval(0.001)
    # What is loaded by now (torch and the app: some 300,000 objects) lives as long as the
    # process; a full collection walked all of it, a 250 ms pause that every request waited out.
    gc.collect()
    gc.freeze()
    # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, and then a client on the
    # same machine could pick the address that its rate limits count: only named proxies may.
    proxies = config.forwarded_allow_ips.strip()
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        log_level="warning",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
    )


def _offer_first_sign_in() -> None:
    """Until somebody has signed in, each start prints a fresh one-time link for the first user (the
    local owner, made now if there is nobody): there is no default password to change or leak."""
    people = accounts()
    if people.anyone_signed_in():
        return
    owner = people.local_owner()
    link = sign_in_url(people.sign_in_link(owner.email))
    err.print(
        f"Sign in as {owner.email} with this one-time link (24 hours): {link}",
        highlight=False,
        soft_wrap=True,
    )
