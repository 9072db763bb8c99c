"""Private temp folders inside DECKCHAT_HOME, for uploads and ingestion jobs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deckchat.store import jobs


class Scratch:
    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    @contextmanager
    def folder(self, prefix: str = "upload-") -> Iterator[Path]:
        """A private temp folder, removed afterwards.

        Its name carries our pid, so ``sweep`` can tell folders left by a killed process.
        """
        self.work_dir.mkdir(parents=True, exist_ok=True)  # made here, not when the services open
        path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=self.work_dir))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def sweep(self) -> int:
        """Remove scratch folders whose process is gone; returns how many."""
        swept = 0
        for folder in self.work_dir.iterdir():
            pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
            if pid.isdigit() and not jobs.process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                swept += 1
        return swept
