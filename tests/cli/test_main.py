"""main(): every failure a command raises ends the process with one readable line and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live import cli

pytestmark = pytest.mark.slow  # a process per command


def test_missing_files_and_models(tmp_path: Path) -> None:
    missing = cli(tmp_path / "home", "add", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope.pdf'}: no such file."
    for args in (
        ["model", "shard", str(tmp_path / "no-model"), str(tmp_path / "out")],
        ["model", "bench", str(tmp_path / "no-model")],
    ):
        refused = cli(tmp_path / "home", *args)
        assert refused.returncode == 1, args
        assert refused.stderr.strip().startswith(f"error: Model {tmp_path / 'no-model'} was not found"), args
        assert refused.stderr.strip().endswith("[model_not_found]") and len(refused.stderr.splitlines()) == 1
