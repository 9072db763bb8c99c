"""Scratch folders: made inside the work folder on demand, removed after use, and those of a dead
process swept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from deckchat.services.scratch import Scratch


def test_a_folder_is_made_in_the_work_folder_and_removed_after(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path / "work")  # not there yet: opening the services makes no folder
    with scratch.folder("upload-") as folder:
        assert folder.parent == tmp_path / "work" and folder.is_dir()
        assert folder.name.startswith(f"upload-{os.getpid()}-")
        (folder / "part").write_bytes(b"x")
    assert not folder.exists()


def test_sweep_removes_the_folders_of_dead_processes_only(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(gone.stdout)
    scratch = Scratch(tmp_path)
    dead = tmp_path / f"job-{dead_pid}-abc"
    live = tmp_path / f"job-{os.getpid()}-def"
    other = tmp_path / "models"
    for folder in (dead, live, other):
        folder.mkdir()
    assert scratch.sweep() == 1
    assert not dead.exists() and live.is_dir() and other.is_dir()
