"""The contract CLI, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.hostile import pages_pdf

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def deckchat(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deckchat.cli.main", *args],
        env={**os.environ, "DECKCHAT_HOME": str(home), **(env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_add_list_show_rm(tmp_path: Path, decks_dir: Path) -> None:
    home = tmp_path / "home"
    notes = tmp_path / "notes.md"
    notes.write_text("# Agenda\n\nCleaning data.\n", encoding="utf-8")
    added = deckchat(
        home,
        "add",
        str(decks_dir / "ms-workshop-clean-prepare-data-python.pptx"),
        "--notes",
        str(notes),
        "--title",
        "Clean data",
        "--visibility",
        "public",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    deck = json.loads(added.stdout)
    assert {"id", "slug", "url", "status", "slide_count"} <= set(deck)
    assert (deck["status"], deck["slide_count"], deck["title"]) == ("ready", 44, "Clean data")
    assert deck["url"] == f"http://127.0.0.1:8000/d/{deck['slug']}"

    listed = json.loads(deckchat(home, "list", "--json").stdout)
    assert [d["id"] for d in listed["decks"]] == [deck["id"]]

    shown = deckchat(home, "show", deck["slug"], "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    slides = detail["slides"]
    assert [s["number"] for s in slides] == list(range(1, 45))
    assert {"number", "title", "text", "notes", "ocr", "image", "thumbnail"} <= set(slides[0])
    assert slides[0]["ocr"] and slides[0]["image"].startswith("/media/")
    assert sum(bool(s["notes"]) for s in slides) == 32
    assert detail["notes_documents"][0]["sections"][0]["heading_path"] == ["Agenda"]

    human = deckchat(home, "show", deck["id"])
    assert "--- slide 2:" in human.stdout

    asked = deckchat(
        home,
        "ask",
        deck["slug"],
        "How does pandas represent missing values?",
        "--llm",
        "extractive",
        "--json",
    )
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert {"answer", "citations", "refused", "llm"} <= set(reply)
    assert not reply["refused"] and reply["llm"] == "extractive"
    assert all({"slide", "quote"} == set(c) for c in reply["citations"]) and reply["citations"]
    refused = json.loads(
        deckchat(
            home, "ask", deck["id"], "What was the weather in Paris in 1850?", "--llm", "extractive", "--json"
        ).stdout
    )
    assert refused["refused"] and refused["citations"] == []

    removed = deckchat(home, "rm", deck["id"])
    assert removed.returncode == 0
    assert json.loads(deckchat(home, "list", "--json").stdout) == {"decks": []}
    gone = deckchat(home, "show", deck["id"])
    assert gone.returncode == 1
    assert gone.stderr.strip().splitlines() == [
        "error: No such deck, or it is not shared with you. [deck_not_found]"
    ]


def test_plain_add_prints_the_url_and_shows_progress(tmp_path: Path, decks_dir: Path) -> None:
    result = deckchat(tmp_path / "home", "add", str(decks_dir / "bsides-2016-sms-otp-not-secure-beamer.pdf"))
    assert result.returncode == 0, result.stderr
    [url] = result.stdout.strip().splitlines()
    # The slug comes from the file name at upload time, so a URL handed out early never changes.
    assert url.startswith("http://127.0.0.1:8000/d/bsides-2016-sms-otp-not-secure-beamer-")
    assert "Ready: SMS OTP is not Secure" in result.stderr


def test_nothing_is_written_outside_deckchat_home(tmp_path: Path, decks_dir: Path) -> None:
    home, tmp, user_home = tmp_path / "home", tmp_path / "tmp", tmp_path / "user"
    tmp.mkdir()
    user_home.mkdir()
    env = {"TMPDIR": str(tmp), "HOME": str(user_home), "XDG_CACHE_HOME": str(user_home / ".cache")}
    result = deckchat(home, "add", str(decks_dir / "ms-python-pandas-series-dataframe.pptx"), env=env)
    assert result.returncode == 0, result.stderr
    assert list(tmp.iterdir()) == [] and list(user_home.iterdir()) == []
    assert list((home / "work").iterdir()) == []


def test_missing_files_and_models(tmp_path: Path) -> None:
    missing = deckchat(tmp_path / "home", "add", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope.pdf'}: no such file."
    for args in (
        ["model", "shard", str(tmp_path / "no-model"), str(tmp_path / "out")],
        ["model", "bench", str(tmp_path / "no-model")],
    ):
        refused = deckchat(tmp_path / "home", *args)
        assert refused.returncode == 1, args
        assert refused.stderr.strip().startswith(f"error: Model {tmp_path / 'no-model'} was not found"), args
        assert refused.stderr.strip().endswith("[model_not_found]") and len(refused.stderr.splitlines()) == 1


def test_add_drops_format_characters_from_names(tmp_path: Path) -> None:
    home = tmp_path / "home"
    notes = tmp_path / "plan\u202e.md"  # a right-to-left override in a notes file's name
    notes.write_text("# Plan\n\nOpen with the results.\n", encoding="utf-8")
    deck = pages_pdf(tmp_path, name="report\u202efdp.exe.pdf")
    added = deckchat(
        home, "add", str(deck), "--notes", str(notes), "--title", "Q3 \u2067results\u2069", "--json"
    )
    assert added.returncode == 0, added.stderr
    shown = json.loads(deckchat(home, "show", json.loads(added.stdout)["id"], "--json").stdout)
    assert (shown["title"], shown["notes_documents"][0]["filename"]) == ("Q3 results", "plan.md")
