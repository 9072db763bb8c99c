"""Real-world files through the server's ingestion path: each one ready, or refused with a code.

Every file goes through ``DeckService.add`` (the upload's checks: a DeckchatError there is the 4xx a
presenter sees) and then, like under ``deckchat serve``, through the job supervisor, which runs the
job in a worker child process. All in a fresh DECKCHAT_HOME; limits are the settings' (DECKCHAT_* env
vars apply). A file is

  ready     the deck became ready;
  refused   the upload or the job was refused with a specific code and a sentence;
  internal  an internal error: an unexpected exception at upload, ``ingest_failed`` or
            ``ingest_crashed`` (the worker died on every attempt);
  hang      not finished within the job time limit (DECKCHAT_JOB_TIMEOUT_S) and --grace-s, or the
            job was left running or holding its lease.

Prints a table (ready, refused by code, internal errors, per-file seconds p50 / p95 / max) and the
files that were not ready; ``--json`` prints one JSON document instead. Worker logs go to stderr.
Exit status 1 when any file is internal or hang.

  python bench/corpus.py                       # the whole corpus in ../shared/corpus/files
  python bench/corpus.py tests/data/corpus     # the fixed part `make test` runs
  python bench/corpus.py --files a.pdf b.ppt   # chosen files of the corpus
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from deckchat.bootstrap import bootstrap
from deckchat.core.deck import JobStatus
from deckchat.core.errors import DeckchatError
from deckchat.ingest.validate import SourceFile
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings
from deckchat.store import jobs
from deckchat.store.tables import JobRow

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "files"
SUBSET = REPO / "tests" / "data" / "corpus"
# Codes that mean "our fault", not the file's: never an acceptable answer to a real file.
INTERNAL_CODES = frozenset(("ingest_failed", "ingest_crashed"))
_POLL_S = 0.2
_NOT_DECKS = {".tsv", ".md", ".txt"}


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    result: str  # ready | refused | internal | hang
    code: str
    message: str
    at: str  # upload | job
    seconds: float
    slides: int
    attempts: int


def run_corpus(paths: Sequence[Path], *, home: Path, grace_s: float = 60.0) -> list[Outcome]:
    """Ingest each file in turn in ``home`` through the upload checks and the job supervisor.

    A file still unfinished ``grace_s`` after the settings' job time limit counts as a hang."""
    settings = Settings(home=home, workers=1, _env_file=None)  # type: ignore[call-arg]
    limit_s = settings.job_timeout_s + grace_s
    services = open_services(bootstrap(settings).settings)
    outcomes = []
    try:
        for path in paths:
            supervisor = Supervisor(services.settings, services.db, services.scratch)
            supervisor.start()
            try:
                outcomes.append(_one(services, supervisor, path, limit_s))
            finally:
                supervisor.stop()  # kills a worker still running, so the next file starts clean
                _drop_unfinished(services)
    finally:
        services.close()
    return outcomes


def _drop_unfinished(services: Services) -> None:
    """Fail a job that hung (the supervisor's stop puts it back in the queue) so it is not run again."""
    with services.db.session() as session:
        for job in session.query(JobRow).where(JobRow.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))):
            jobs.fail(session, job, "bench_hang", "stopped by bench/corpus.py")


def _one(services: Services, supervisor: Supervisor, path: Path, limit_s: float) -> Outcome:
    start = time.perf_counter()
    try:
        deck_id, job_id = services.decks.add(SourceFile(path, path.name))
    except DeckchatError as error:
        return Outcome(path.name, "refused", error.code, error.message, "upload", _since(start), 0, 0)
    except Exception as error:  # what the API would answer with a 500
        message = f"{type(error).__name__}: {error}"
        return Outcome(path.name, "internal", "exception", message, "upload", _since(start), 0, 0)
    supervisor.wake()
    job = _wait(services, job_id, start + limit_s)
    seconds = _since(start)
    if job.status not in (JobStatus.DONE, JobStatus.FAILED) or job.lease_until is not None:
        message = f"job still {job.status} at stage {job.stage} after {limit_s:.0f} s"
        return Outcome(path.name, "hang", "", message, "job", seconds, 0, job.attempts)
    deck = services.decks.get(deck_id)
    if job.status == JobStatus.DONE:
        return Outcome(path.name, "ready", "", "", "job", seconds, deck.slide_count, job.attempts)
    code, message = job.error_code or "", job.error_message or ""
    result = "internal" if code in INTERNAL_CODES else "refused"
    return Outcome(path.name, result, code, message, "job", seconds, 0, job.attempts)


def _wait(services: Services, job_id: str, deadline: float) -> JobRow:
    while True:
        with services.db.read() as session:
            job = session.get_one(JobRow, job_id)
            session.expunge(job)
        if job.status in (JobStatus.DONE, JobStatus.FAILED) or time.perf_counter() > deadline:
            return job
        time.sleep(_POLL_S)


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 2)


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every file in the folders named, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() not in _NOT_DECKS)
        else:
            found.append(path)
    return found


def summary(outcomes: Sequence[Outcome]) -> dict[str, object]:
    times = sorted(o.seconds for o in outcomes)
    results = Counter(o.result for o in outcomes)
    return {
        "files": len(outcomes),
        "ready": results["ready"],
        "refused": results["refused"],
        "refused_by_code": dict(sorted(Counter(o.code for o in outcomes if o.result == "refused").items())),
        "internal": results["internal"],
        "hang": results["hang"],
        "retried": sum(o.attempts > 1 for o in outcomes),
        "seconds": {
            "p50": _quantile(times, 0.50),
            "p95": _quantile(times, 0.95),
            "max": times[-1] if times else 0.0,
            "total": round(sum(times), 1),
        },
    }


def _quantile(values: Sequence[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1], 2)


def print_table(outcomes: Sequence[Outcome]) -> None:
    s = summary(outcomes)
    seconds: dict[str, float] = s["seconds"]  # type: ignore[assignment]
    print(f"deckchat corpus: {s['files']} files\n")
    rows: list[tuple[str, object]] = [("ready", s["ready"]), ("refused", s["refused"])]
    rows += [(f"  {code}", n) for code, n in s["refused_by_code"].items()]  # type: ignore[attr-defined]
    rows += [("internal errors", s["internal"]), ("hangs", s["hang"]), ("retried jobs", s["retried"])]
    for label, value in rows:
        print(f"{label:<28}{value:>8}")
    print(f"\n{'per-file seconds':<28}{'p50':>8}{'p95':>8}{'max':>8}{'total':>9}")
    print(
        f"{'':<28}{seconds['p50']:>8.2f}{seconds['p95']:>8.2f}{seconds['max']:>8.2f}{seconds['total']:>9.1f}"
    )
    print(f"\n{'file':<58}{'result':<10}{'s':>7}  code: message")
    for o in outcomes:
        detail = f"  {o.code}: {o.message}" if o.code or o.message else f"  {o.slides} slides"
        print(f"{o.file[:57]:<58}{o.result:<10}{o.seconds:>7.1f}{detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help=f"Files or folders (default: {CORPUS}).")
    parser.add_argument("--files", nargs="+", default=[], help="File names inside the corpus folder.")
    parser.add_argument("--subset", action="store_true", help=f"The fixed part `make test` runs: {SUBSET}.")
    parser.add_argument(
        "--grace-s",
        type=float,
        default=60.0,
        help="A file unfinished this long after DECKCHAT_JOB_TIMEOUT_S (default 1800) counts as a hang.",
    )
    parser.add_argument("--json", action="store_true", help="Print one JSON document on stdout.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    chosen = [CORPUS / name for name in args.files] + list(args.paths) + ([SUBSET] if args.subset else [])
    missing = [str(path) for path in chosen or [CORPUS] if not path.exists()]
    if missing:
        parser.error(f"not found: {', '.join(missing)}")
    files = corpus_files(chosen or [CORPUS])
    with tempfile.TemporaryDirectory(prefix="deckchat-corpus-") as tmp:
        outcomes = run_corpus(files, home=Path(tmp) / "home", grace_s=args.grace_s)
    if args.json:
        print(json.dumps({"summary": summary(outcomes), "files": [asdict(o) for o in outcomes]}, indent=2))
    else:
        print_table(outcomes)
    return 0 if all(o.result in ("ready", "refused") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
