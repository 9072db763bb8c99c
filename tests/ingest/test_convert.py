"""LibreOffice conversion's failure paths: no LibreOffice, and one that hangs. (Real conversions of
PPT, ODP and PPTX decks run through the pipeline in test_formats.py and test_real_decks.py.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from deckchat.core.deck import DeckFormat
from deckchat.core.errors import ConversionFailed, MissingDependency
from deckchat.ingest.convert import convert_to_pdf, soffice_path
from tests.ingest import hostile


def test_without_libreoffice_the_error_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency) as missing:
        soffice_path(str(tmp_path / "no-soffice-here"))
    assert missing.value.code == "libreoffice_missing"
    assert "make setup" in missing.value.message and "upload a PDF" in missing.value.message


def test_a_converter_that_hangs_is_stopped_with_its_children(tmp_path: Path) -> None:
    # A stand-in for a LibreOffice that never finishes, leaving a child behind as soffice.bin does.
    pid_file = tmp_path / "child.pid"
    hanging = tmp_path / "soffice"
    hanging.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    hanging.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()

    with pytest.raises(ConversionFailed) as stopped:
        convert_to_pdf(hostile.small_pptx(tmp_path), DeckFormat.PPTX, work, soffice=str(hanging), timeout_s=1)

    assert stopped.value.code == "conversion_timeout"
    assert "export it as PDF" in stopped.value.message
    child = int(pid_file.read_text())
    for _ in range(50):  # the kill is sent before convert_to_pdf returns; reaping may lag a moment
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def test_a_converter_that_writes_nothing_fails_the_conversion(tmp_path: Path) -> None:
    silent = tmp_path / "soffice"
    silent.write_text("#!/bin/sh\nexit 0\n")
    silent.chmod(0o755)
    with pytest.raises(ConversionFailed) as failed:
        convert_to_pdf(
            hostile.small_pptx(tmp_path), DeckFormat.PPTX, tmp_path, soffice=str(silent), timeout_s=30
        )
    assert failed.value.code == "conversion_failed" and "PPTX" in failed.value.message


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of a dead shell is a zombie until init reaps it: dead for our purposes.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ")[-1][:1] != "Z"
