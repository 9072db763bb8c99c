"""Turn PPTX, PPT, ODP and Keynote files into PDF with LibreOffice headless."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from deckchat.core.deck import DeckFormat
from deckchat.core.errors import ConversionFailed, MissingDependency

# Hidden slides stay hidden: viewers see, and numbers follow, the slides the presenter shows.
_BACKSTOP_S = 15
_PDF_FILTER = "pdf:impress_pdf_Export:" + json.dumps(
    {
        "ExportHiddenSlides": {"type": "boolean", "value": "false"},
        "ExportNotesPages": {"type": "boolean", "value": "false"},
        "UseTaggedPDF": {"type": "boolean", "value": "false"},
    }
)


def soffice_path(soffice: str) -> str:
    found = shutil.which(soffice)
    if found is None:
        raise MissingDependency(
            "Converting PPTX, PPT, ODP and Keynote decks needs LibreOffice, which is not installed: "
            "run `make setup`, or upload a PDF.",
            code="libreoffice_missing",
        )
    return found


def convert_to_pdf(src: Path, fmt: DeckFormat, work_dir: Path, *, soffice: str, timeout_s: float) -> Path:
    """Convert ``src`` into a PDF inside ``work_dir`` and return its path.

    Each call gets its own LibreOffice profile: concurrent conversions sharing one fail silently.
    The whole process group is killed on timeout, since soffice forks soffice.bin.
    """
    binary = soffice_path(soffice)
    job_dir = Path(tempfile.mkdtemp(prefix="convert-", dir=work_dir))
    # A plain name keeps odd upload names away from LibreOffice's command line and filter detection.
    source = job_dir / f"deck.{fmt.value}"
    shutil.copyfile(src, source)
    out_dir = job_dir / "out"
    command = [
        # If our worker is killed mid-conversion, nothing else would stop LibreOffice: coreutils'
        # timeout kills the whole process group shortly after our own deadline, whoever is left.
        "timeout",
        "--signal=KILL",
        str(int(timeout_s) + _BACKSTOP_S),
        binary,
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--nodefault",
        f"-env:UserInstallation={(job_dir / 'profile').as_uri()}",
        "--convert-to",
        _PDF_FILTER,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    _run(command, job_dir, timeout_s)
    result = out_dir / "deck.pdf"
    if not result.is_file() or result.stat().st_size == 0:
        raise ConversionFailed(
            f"LibreOffice could not convert this {fmt.value.upper()} file to PDF; "
            "it may be damaged, or saved by a version LibreOffice cannot read. Try exporting it as PDF.",
        )
    return result


def _run(command: list[str], job_dir: Path, timeout_s: float) -> None:
    # LibreOffice writes caches and settings under HOME and the XDG dirs; keep them in the job's folder.
    private = {
        name: str(job_dir)
        for name in ("HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
    }
    env = {**os.environ, **private, "SAL_USE_VCLPLUGIN": "svp"}
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise ConversionFailed(
                f"Converting the deck took longer than {timeout_s:.0f} s and was stopped; "
                "export it as PDF and upload that instead.",
                code="conversion_timeout",
            ) from None
        finally:
            # LibreOffice can leave helpers behind even when the launcher exits.
            _kill_group(process.pid)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
