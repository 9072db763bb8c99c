"""add, list, show and rm: the deck library from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Command
from tests.ingest.hostile import pages_pdf
from tests.live import cli


@pytest.mark.slow  # a process per command, ingesting
def test_add_list_show_rm(tmp_path: Path, decks_dir: Path) -> None:
    home = tmp_path / "home"
    notes = tmp_path / "notes.md"
    notes.write_text("# Agenda\n\nCleaning data.\n", encoding="utf-8")
    added = cli(
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

    listed = json.loads(cli(home, "list", "--json").stdout)
    assert [d["id"] for d in listed["decks"]] == [deck["id"]]

    shown = cli(home, "show", deck["slug"], "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    slides = detail["slides"]
    assert [s["number"] for s in slides] == list(range(1, 45))
    assert {"number", "title", "text", "notes", "ocr", "image", "thumbnail"} <= set(slides[0])
    assert slides[0]["ocr"] and slides[0]["image"].startswith("/media/")
    assert sum(bool(s["notes"]) for s in slides) == 32
    assert detail["notes_documents"][0]["sections"][0]["heading_path"] == ["Agenda"]

    human = cli(home, "show", deck["id"])
    assert "--- slide 2:" in human.stdout

    asked = cli(
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
    assert all({"slide", "quote", "regions"} == set(c) for c in reply["citations"]) and reply["citations"]
    # A real deck, freshly ingested: its quotes are placed on their slides.
    assert any(c["regions"] for c in reply["citations"])
    refused = json.loads(
        cli(
            home, "ask", deck["id"], "What was the weather in Paris in 1850?", "--llm", "extractive", "--json"
        ).stdout
    )
    assert refused["refused"] and refused["citations"] == []

    removed = cli(home, "rm", deck["id"])
    assert removed.returncode == 0
    assert json.loads(cli(home, "list", "--json").stdout) == {"decks": []}
    gone = cli(home, "show", deck["id"])
    assert gone.returncode == 1
    assert gone.stderr.strip().splitlines() == [
        "error: No such deck, or it is not shared with you. [deck_not_found]"
    ]


@pytest.mark.slow
def test_plain_add_prints_the_url_and_shows_progress(tmp_path: Path, decks_dir: Path) -> None:
    result = cli(tmp_path / "home", "add", str(decks_dir / "bsides-2016-sms-otp-not-secure-beamer.pdf"))
    assert result.returncode == 0, result.stderr
    [url] = result.stdout.strip().splitlines()
    # The slug comes from the file name at upload time, so a URL handed out early never changes.
    assert url.startswith("http://127.0.0.1:8000/d/bsides-2016-sms-otp-not-secure-beamer-")
    assert "Ready: SMS OTP is not Secure" in result.stderr


@pytest.mark.slow
def test_nothing_is_written_outside_deckchat_home(tmp_path: Path, decks_dir: Path) -> None:
    home, tmp, user_home = tmp_path / "home", tmp_path / "tmp", tmp_path / "user"
    tmp.mkdir()
    user_home.mkdir()
    env = {"TMPDIR": str(tmp), "HOME": str(user_home), "XDG_CACHE_HOME": str(user_home / ".cache")}
    result = cli(home, "add", str(decks_dir / "ms-python-pandas-series-dataframe.pptx"), env=env)
    assert result.returncode == 0, result.stderr
    assert list(tmp.iterdir()) == [] and list(user_home.iterdir()) == []
    assert list((home / "work").iterdir()) == []


@pytest.mark.slow
def test_add_drops_format_characters_from_names(tmp_path: Path) -> None:
    home = tmp_path / "home"
    notes = tmp_path / "plan\u202e.md"  # a right-to-left override in a notes file's name
    notes.write_text("# Plan\n\nOpen with the results.\n", encoding="utf-8")
    deck = pages_pdf(tmp_path, name="report\u202efdp.exe.pdf")
    added = cli(home, "add", str(deck), "--notes", str(notes), "--title", "Q3 \u2067results\u2069", "--json")
    assert added.returncode == 0, added.stderr
    shown = json.loads(cli(home, "show", json.loads(added.stdout)["id"], "--json").stdout)
    assert (shown["title"], shown["notes_documents"][0]["filename"]) == ("Q3 results", "plan.md")


def test_add_refuses_a_password_deck_without_a_password_and_an_unreadable_expiry(
    command: Command, tmp_path: Path
) -> None:
    deck = pages_pdf(tmp_path)
    # No terminal to ask at: the presenter is told how to give it, and nothing is uploaded.
    no_password = command("add", str(deck), "--visibility", "password")
    assert no_password.exit_code == 1
    assert no_password.stderr.strip() == (
        "error: --visibility password needs --password TEXT (or --password - to read it from stdin)."
    )
    bad_expiry = command("add", str(deck), "--expires", "next tuesday")
    assert bad_expiry.exit_code == 1
    assert bad_expiry.stderr.startswith("error: --expires 'next tuesday': give ")
    assert command("list", "--json").stdout == '{\n  "decks": []\n}\n'
