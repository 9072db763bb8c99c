"""The locks scripts/setup.sh installs (requirements.lock, requirements-nodeps.lock): they cover
pyproject.toml, every pin carries hashes, torch is the CPU build, and the running environment is exactly
the lock. Also that setup's Node check asks for what the locked Vite needs."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
LOCKS = ("requirements.lock", "requirements-nodeps.lock")
# What `python -m venv` seeds (counted only when the lock names it), and the project itself.
SEEDED = {"pip", "setuptools"}


def pins(lock: str) -> dict[str, tuple[Version, list[str]]]:
    """name -> (version, hashes) for each `name==version \\ --hash=...` entry of a lock file."""
    entries = re.findall(
        r"^([A-Za-z0-9][\w.-]*)==(\S+)((?:\s*\\\n\s+--hash=\S+)*)", (REPO / lock).read_text(), re.M
    )
    return {canonicalize_name(name): (Version(v), re.findall(r"--hash=(\S+)", h)) for name, v, h in entries}


def test_every_dependency_of_pyproject_is_locked_at_a_version_it_allows() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    locked = pins("requirements.lock")
    requirements = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    checked = [r for r in requirements if r.marker is None or r.marker.evaluate()]
    assert len(checked) > 40
    for requirement in checked:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), (requirement, locked[name])


def test_every_pin_carries_a_sha256_hash() -> None:
    for lock in LOCKS:
        entries = pins(lock)
        assert entries, lock
        for name, (_, hashes) in entries.items():
            assert hashes and all(h.startswith("sha256:") for h in hashes), f"{lock}: {name} has no hash"


def test_torch_is_locked_to_its_cpu_build() -> None:
    version = pins("requirements.lock")["torch"][0]
    assert version.local == "cpu", f"torch {version} is not the CPU build: any other pulls GBs of CUDA wheels"


def test_the_running_environment_is_exactly_the_lock() -> None:
    """What `make setup` promises: no package missing, none at another version, none extra."""
    locked = {name: version for lock in LOCKS for name, (version, _) in pins(lock).items()}
    installed = {
        canonicalize_name(dist.metadata["Name"]): Version(dist.version)
        for dist in metadata.distributions(path=sys.path)
    }
    installed.pop("deckchat")
    for name in SEEDED - set(locked):
        installed.pop(name, None)
    assert {n: str(v) for n, v in installed.items() if locked.get(n) != v} == {}
    assert sorted(set(locked) - set(installed)) == []


def test_the_node_version_setup_requires_is_what_the_locked_vite_requires() -> None:
    package = json.loads((REPO / "web" / "package.json").read_text())
    lock = json.loads((REPO / "web" / "package-lock.json").read_text())
    assert package["engines"]["node"] == lock["packages"]["node_modules/vite"]["engines"]["node"]
    assert lock["packages"][""]["engines"] == package["engines"]
