"""The layer contracts of pyproject.toml ([tool.importlinter]) hold, and they do catch what they forbid:
an upward import (even one inside a function) and a cycle between the modules of a package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts in ``root/pyproject.toml`` over the ``deckchat`` package found in ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def copy_of_repo(tmp_path: Path) -> Path:
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    shutil.copytree(
        REPO / "deckchat", tmp_path / "deckchat", ignore=shutil.ignore_patterns("web_dist", "__pycache__")
    )
    return tmp_path


def add_line(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n\n{line}\n")


def test_the_contracts_hold() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path: Path) -> None:
    root = copy_of_repo(tmp_path)
    add_line(root / "deckchat/ingest/sniff.py", "def _upward():\n    from deckchat.services import library")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "deckchat.ingest is not allowed to import deckchat.services" in result.stdout
    assert "deckchat.ingest.sniff -> deckchat.services.library" in result.stdout


def test_a_cycle_inside_a_package_is_refused(tmp_path: Path) -> None:
    root = copy_of_repo(tmp_path)
    # load imports resolve; resolve importing load back closes a circle within llm/.
    add_line(root / "deckchat/llm/resolve.py", "def _back():\n    from deckchat.llm import load")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "No cycles are allowed in deckchat.llm" in result.stdout


def test_core_may_not_use_a_framework(tmp_path: Path) -> None:
    root = copy_of_repo(tmp_path)
    add_line(root / "deckchat/core/text.py", "import sqlalchemy")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "deckchat.core is not allowed to import sqlalchemy" in result.stdout
