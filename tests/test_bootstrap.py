"""Only the bootstrap touches the world: it makes home's folders, the signing key and the process's
$TMPDIR; opening the services makes their database and nothing else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from deckchat.bootstrap import bootstrap
from deckchat.cpu import available_cores, cpu_threads, share_cores
from deckchat.services.app_services import open_services
from deckchat.settings import Settings

RACE = "from deckchat.bootstrap import bootstrap; from deckchat.settings import Settings; " + (
    "print(bootstrap(Settings()).signing_key.decode())"
)


@pytest.fixture
def kept_tmpdir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Give this process its $TMPDIR back after a test that bootstraps."""
    monkeypatch.setenv("TMPDIR", tempfile.gettempdir())
    monkeypatch.setattr(tempfile, "tempdir", None)
    yield


def test_opening_the_services_makes_their_database_and_nothing_else(home: Path) -> None:
    environ, temp = dict(os.environ), tempfile.tempdir
    open_services(Settings()).close()  # migrated: the schema is written
    made = {path.name for path in home.iterdir()}
    assert "deckchat.db" in made and made <= {"deckchat.db", "deckchat.db-wal", "deckchat.db-shm"}
    assert dict(os.environ) == environ and tempfile.tempdir == temp


@pytest.mark.usefixtures("kept_tmpdir")
def test_bootstrap_makes_the_folders_and_confines_temp_files(home: Path) -> None:
    settings = Settings()
    runtime = bootstrap(settings)
    storage = settings.storage
    assert runtime.settings is settings
    assert all(folder.is_dir() for folder in (storage.home, storage.blob_dir, storage.work_dir))
    assert os.environ["TMPDIR"] == str(storage.temp_dir)
    with tempfile.NamedTemporaryFile() as scratch:
        assert Path(scratch.name).parent == storage.temp_dir


@pytest.mark.usefixtures("kept_tmpdir")
def test_the_signing_key_is_made_once_private_and_kept(home: Path) -> None:
    key = bootstrap(Settings()).signing_key
    key_file = Settings().security.key_file
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes, in hex
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert bootstrap(Settings()).signing_key == key  # the second start reads it back
    assert sorted(path.name for path in home.glob("secret_key*")) == ["secret_key"]  # no drafts left


@pytest.mark.usefixtures("kept_tmpdir")
def test_a_configured_key_is_used_and_none_is_written(home: Path) -> None:
    assert bootstrap(Settings(secret_key="shared by the servers")).signing_key == b"shared by the servers"
    assert not (home / "secret_key").exists()


def test_racing_starts_share_one_key(home: Path) -> None:
    """Servers started together on a fresh home: a link never replaces, so whoever links first wins
    and every process reads that key."""
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE], env=dict(os.environ), stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    keys = {racer.communicate(timeout=120)[0].strip() for racer in racers}
    assert [racer.returncode for racer in racers] == [0] * 4
    assert keys == {(home / "secret_key").read_text().strip()}


@pytest.mark.usefixtures("kept_tmpdir")
def test_bootstrap_gives_the_models_the_threads_the_settings_allow(home: Path) -> None:
    before = cpu_threads()
    try:
        bootstrap(Settings(compute_threads=1))
        assert cpu_threads() == 1
        bootstrap(Settings(compute_threads=0))
        assert cpu_threads() == available_cores()
    finally:
        share_cores(before if before < available_cores() else 0)
