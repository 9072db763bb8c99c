"""Entry point of a child process that runs one ingestion job for the server.

A child per job keeps pdfium (not thread-safe) and LibreOffice out of the server process, so a crash or
a runaway file costs one job attempt, never the server. The settings arrive as JSON on stdin.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import faulthandler
import logging
import os
import signal
import sys

from deckchat.bootstrap import bootstrap
from deckchat.jobs.execute import run_job
from deckchat.services.app_services import open_services
from deckchat.settings import Settings

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # If the server is killed, its workers go too; the restarted server retries their jobs.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deckchat-worker")
    parser.add_argument("--job", required=True)
    parser.add_argument("--owner", required=True)
    parser.add_argument("--parent", type=int, required=True)
    args = parser.parse_args(argv)
    _die_with_parent()
    if os.getppid() != args.parent:
        return 3  # the server died before we could arm the death signal
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    # A crash in pdfium or onnxruntime kills the process: dump its Python stack to the server log, next
    # to the supervisor's line naming the job, whose id an ingest_crashed message gives as reference.
    faulthandler.enable()
    settings = bootstrap(Settings.model_validate_json(sys.stdin.read())).settings
    services = open_services(settings, migrate_schema=False)
    try:
        run_job(services, args.job, args.owner)
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
