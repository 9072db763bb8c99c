"""The layer contracts of pyproject.toml ([tool.importlinter]) hold, and they do catch what they forbid:
an upward import (even one inside a function) and a cycle between the modules of a package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("module", "line", "messages"),
    [
        (  # an upward import, even one inside a function
            "ingest/sniff.py",
            "def _upward():\n    from deckchat.services import decks",
            [
                "deckchat.ingest is not allowed to import deckchat.services",
                "deckchat.ingest.sniff -> deckchat.services.decks",
            ],
        ),
        (  # load imports resolve; resolve importing load back closes a circle within llm/
            "llm/resolve.py",
            "def _back():\n    from deckchat.llm import load",
            ["No cycles are allowed in deckchat.llm"],
        ),
        ("core/text.py", "import sqlalchemy", ["deckchat.core is not allowed to import sqlalchemy"]),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, messages: list[str]
) -> None:
    root = copy_of_repo(tmp_path)
    add_line(root / "deckchat" / module, line)
    result = lint_imports(root)
    assert result.returncode != 0
    for message in messages:
        assert message in result.stdout
