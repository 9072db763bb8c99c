"""The dev set the quality benchmarks share: ../shared/decks plus ../shared/devset/*, one library.

The decks are ingested once into a DECKCHAT_HOME kept under bench/.cache (git-ignored), so a second
run finds them by content hash instead of ingesting 33 decks again (many minutes on two cores).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from deckchat.bootstrap import bootstrap
from deckchat.evaluate import ensure_deck, read_qa
from deckchat.services.app_services import Services, open_services
from deckchat.services.chat import ChatService
from deckchat.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
HOME = ROOT / "bench" / ".cache" / "home"


@dataclass(frozen=True)
class DevSet:
    name: str
    decks: Path
    qa: Path
    conversations: Path | None


def dev_sets(shared: Path = SHARED) -> list[DevSet]:
    sets = [DevSet("decks", shared / "decks", shared / "decks" / "qa.jsonl", None)]
    for name in ("lectures", "talks", "multilingual"):
        folder = shared / "devset" / name
        sets.append(DevSet(name, folder / "decks", folder / "qa.jsonl", folder / "conversations.jsonl"))
    return sets


def open_bench_services(home: Path = HOME, **chat_options: float) -> Services:
    """The bench library's services; ``chat_options`` go to its ChatService (calibrate.py asks with
    refusal switched off)."""
    services = open_services(bootstrap(Settings(home=home)).settings)
    chat = ChatService(services.db, services.blobs, services.settings, **chat_options)
    return replace(services, chat=chat)


def questions(dev: DevSet) -> list[dict[str, Any]]:
    return [{**row, "set": dev.name} for row in read_qa(dev.qa)]


def conversations(dev: DevSet) -> list[dict[str, Any]]:
    if dev.conversations is None or not dev.conversations.is_file():
        return []
    lines = dev.conversations.read_text(encoding="utf-8").splitlines()
    return [{**json.loads(line), "set": dev.name} for line in lines if line.strip()]


def deck_ids(services: Services, dev: DevSet, names: list[str]) -> dict[str, str]:
    """Each named deck's id in the bench library, ingesting the ones it lacks."""
    return {name: ensure_deck(services, dev.decks / name) for name in dict.fromkeys(names)}


def answerable(row: dict[str, Any]) -> bool:
    return row.get("kind") != "not-in-deck" and bool(row.get("slides"))


# -- the deck's language, for figures per language ----------------------------------------------

_SCRIPTS = {
    "ko": re.compile(r"[\uac00-\ud7af]"),
    "ja": re.compile(r"[\u3040-\u30ff]"),
    "zh": re.compile(r"[\u4e00-\u9fff]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),
}
_WORDS = {
    "en": "the of and to in is for that with are on this be as by",
    "de": "der die und das ist nicht mit den für von sich auf ein eine",
    "es": "el la los las de que y en un una por con para del es",
    "fr": "le la les des et est une pour dans que qui du sur pas",
    "pt": "o os as de que e em um uma para com não do da são",
}
_WORD_SETS = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}


def deck_language(text: str) -> str:
    """The deck's main language: a script when a fifth of its letters use it, else function words."""
    letters = sum(ch.isalpha() for ch in text) or 1
    kana = len(_SCRIPTS["ja"].findall(text))
    for lang, pattern in _SCRIPTS.items():
        count = len(pattern.findall(text)) + (kana if lang == "zh" else 0)
        if count >= 0.2 * letters:
            return "ja" if lang == "zh" and kana >= 0.05 * letters else lang
    words = Counter(re.findall(r"[^\W\d_]+", text.casefold()))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in _WORD_SETS.items()}
    return max(scores, key=lambda lang: scores[lang])
