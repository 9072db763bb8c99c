"""Tests mirror the package: deckchat/<package>/<module>.py is tested in tests/<package>/test_<module>.py
(deckchat/<module>.py in tests/test_<module>.py), so the tests of a module are found by its name.

A module without a mirror must be named below: in LOGIC_FREE when it has no logic of its own to test,
or in NOT_YET_MIRRORED when its tests still live in other modules. That second list only shrinks: move
a module's tests into its mirror and delete its line (the test below says when a line is stale)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "deckchat"

# Declarations and wiring: what they say is checked where it is used.
LOGIC_FREE = {
    "api/deps.py": "typed aliases that hand routes what app.state holds",
    "cli/state.py": "the settings, services and accounts a command uses, each made once",
    "core/chat.py": "the chat vocabulary: enums and the chunk, hit, citation and answer records",
    "core/errors.py": "the error classes: a code, a status, a sentence",
    "core/limits.py": "the upload limits' defaults, as plain data",
    "core/ports.py": "the Protocols stages write to, and a do-nothing progress sink",
    "llm/base.py": "the generator Protocol and its Message",
    "services/app_services.py": "the composition root: builds each service once from the settings",
}

# Modules with logic whose tests are still elsewhere: module -> where they are today.
NOT_YET_MIRRORED: dict[str, str] = {}  # every module with logic has its mirror now


def modules() -> set[str]:
    """Every module of the package, relative to it; Alembic's migration scripts are run, not tested
    one by one (the store tests migrate both databases from empty)."""
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts and "web_dist" not in path.parts
    }


def mirror(module: str) -> Path:
    path = Path(module)
    return REPO / "tests" / path.parent / f"test_{path.name}"


def test_every_module_has_a_mirror_test_module_or_a_reason() -> None:
    lacking = {m for m in modules() if not mirror(m).is_file()}
    unexplained = sorted(lacking - LOGIC_FREE.keys() - NOT_YET_MIRRORED.keys())
    assert not unexplained, "write these test modules: " + ", ".join(
        mirror(m).relative_to(REPO).as_posix() for m in unexplained
    )


def test_the_lists_name_only_modules_that_exist_and_still_lack_a_mirror() -> None:
    listed = LOGIC_FREE.keys() | NOT_YET_MIRRORED.keys()
    assert not LOGIC_FREE.keys() & NOT_YET_MIRRORED.keys()
    stale = sorted(m for m in listed if m not in modules() or mirror(m).is_file())
    assert not stale, f"delete these lines from tests/test_mirror.py: {stale}"
