"""worker: run ingestion jobs from the shared queue, with no web server."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from deckchat.cli.output import err
from deckchat.cli.state import services, settings
from deckchat.jobs.supervisor import Supervisor


def worker(
    jobs: Annotated[
        int | None, typer.Option("--jobs", min=1, help="Jobs run at once (default: DECKCHAT_WORKERS).")
    ] = None,
    grace: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds a stop (SIGTERM, Ctrl-C) gives running jobs to finish before they go back "
            "to the queue.",
        ),
    ] = 30.0,
) -> None:
    """Run ingestion jobs from the queue until stopped; pair it with `serve --no-jobs`.

    Workers sharing a database take jobs under a lease: a dead worker's job moves on after it lapses."""
    config = settings()
    if jobs is not None:
        config.workers = jobs
    opened = services()
    supervisor = Supervisor(config, opened.db, opened.scratch)
    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    supervisor.start()
    err.print(f"deckchat worker {supervisor.owner}: up to {config.workers} job(s) at once", highlight=False)
    try:
        stopping.wait()
    finally:
        err.print(f"stopping: {supervisor.running()} job(s) get {grace:g} s to finish", highlight=False)
        supervisor.drain(grace)
        opened.close()
