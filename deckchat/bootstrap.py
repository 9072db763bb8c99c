"""A process's start: the one place that turns settings into folders, a key file, a confined $TMPDIR and
the compute threads this process may use.

``serve`` (the app factory), the job worker and the CLI call ``bootstrap`` once, before they open the
services; everything below them (settings, the services, the stages) only reads. Calling it again, or
from several processes at once, finds what the first call made.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deckchat.cpu import share_cores
from deckchat.settings import Security, Settings, Storage


@dataclass(frozen=True, slots=True)
class Runtime:
    """What a started process needs beyond its settings."""

    settings: Settings
    signing_key: bytes


def bootstrap(settings: Settings) -> Runtime:
    make_folders(settings.storage)
    confine_temp_files(settings.storage)
    share_cores(settings.compute_threads)
    return Runtime(settings, signing_key(settings.security))


def make_folders(storage: Storage) -> None:
    for path in storage.folders:
        path.mkdir(parents=True, exist_ok=True)


def confine_temp_files(storage: Storage) -> None:
    """Point this process's temp files into home: libraries we call (onnxruntime, LibreOffice) write
    to $TMPDIR, and nothing may be written outside DECKCHAT_HOME. Child processes inherit it."""
    os.environ["TMPDIR"] = str(storage.temp_dir)
    tempfile.tempdir = None  # tempfile caches its choice; make it look again


def signing_key(security: Security) -> bytes:
    """The key for signed cookies: the configured one, or one made once and kept in home (mode 0600)."""
    if security.secret_key:
        return security.secret_key.encode()
    if not security.key_file.exists():
        _make_key_file(security.key_file)
    return security.key_file.read_text().strip().encode()


def _make_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    with contextlib.suppress(FileExistsError):  # a link never replaces: racing servers share one key
        os.link(draft, path)
    draft.unlink()
