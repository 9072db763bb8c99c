"""The issue's thresholds, on tests/data/decks/qa.jsonl, with the real index and the real models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deckchat.evaluate import evaluate, read_qa
from deckchat.services.app_services import Services
from tests.conftest import IngestedDecks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def services(ingested_decks: IngestedDecks) -> Services:
    # evaluate() finds the decks already ingested, by content hash, and asks its questions of them
    return ingested_decks.services


def _report(services: Services, decks_dir: Path, llm: str) -> dict[str, Any]:
    report = evaluate(services, read_qa(decks_dir / "qa.jsonl"), decks_dir, services.chat.generator(llm))
    print(llm, json.dumps(report["metrics"], indent=2))
    return report


@pytest.mark.parametrize("llm", ["extractive", "default"])
def test_grounded_answers_meet_the_thresholds(services: Services, decks_dir: Path, llm: str) -> None:
    report = _report(services, decks_dir, llm)
    metrics = report["metrics"]
    assert metrics["questions"] == 48
    assert set(metrics) >= {
        "cited_slide_hit",
        "slide_recall@1",
        "slide_recall@3",
        "slide_recall@5",
        "mrr",
        "answer_recall",
        "refusal_recall",
        "refusal_precision",
        "answers_with_unsupported_numbers",
        "latency_ms_p50",
        "latency_ms_p95",
    }
    assert metrics["cited_slide_hit"] >= 0.85
    assert metrics["refusal_recall"] >= 0.75
    assert metrics["answers_with_unsupported_numbers"] == 0
    if llm == "default":
        assert metrics["answer_recall"] >= 0.5
    for result in report["results"]:
        assert set(result) >= {"deck", "question", "answer", "citations", "refused", "latency_ms"}
        assert result["llm"].startswith(llm)
        if result["refused"]:
            assert result["citations"] == []
            assert result["answer"].startswith(("The deck doesn't say.", "The deck doesn't mention "))
        else:
            assert result["citations"], result
