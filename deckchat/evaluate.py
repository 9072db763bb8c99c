"""deckchat eval: ingest the decks a QA file names, answer every question, and score what can be scored."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deckchat.chat.evidence import evidence_text
from deckchat.core.chat import NotesMode
from deckchat.core.citations import strip_markers
from deckchat.core.deck import DeckStatus
from deckchat.core.errors import InvalidInput
from deckchat.core.grounding import numbers
from deckchat.core.metrics import answer_recall, mean, percentile, recall_at, reciprocal_rank
from deckchat.jobs.in_process import ingest_now
from deckchat.llm.base import Generator
from deckchat.services.app_services import Services
from deckchat.services.chat import ChatService, Reply
from deckchat.store.blobs import file_sha256


def read_qa(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    f"{path.name} line {number} is not JSON: {exc.msg}.", code="bad_qa_file"
                ) from None
            if not isinstance(row, dict) or not row.get("deck") or not row.get("question"):
                raise InvalidInput(
                    f"{path.name} line {number} needs 'deck' and 'question'.", code="bad_qa_file"
                )
            rows.append(row)
    return rows


def ensure_deck(services: Services, path: Path) -> str:
    """The id of a ready deck made from exactly this file, ingesting it if the library has none."""
    if not path.is_file():
        raise InvalidInput(
            f"The QA file names {path.name}, which is not in {path.parent}.", code="deck_missing"
        )
    digest = file_sha256(path)
    for deck in services.decks.decks():
        if deck.status == DeckStatus.READY and services.content.source_hash(deck.id) == digest:
            return deck.id
    return ingest_now(services, path)


def evaluate(
    services: Services,
    qa: list[dict[str, Any]],
    decks_dir: Path,
    generator: Generator | None,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    notes_mode: NotesMode = NotesMode.PUBLIC,
) -> dict[str, Any]:
    """Answer every row; the notes are taken to be in ``notes_mode`` (public by default: questions
    of kind ``notes`` can only be answered from notes a viewer may read), whatever the decks' own."""
    deck_ids = {
        name: ensure_deck(services, decks_dir / name) for name in dict.fromkeys(r["deck"] for r in qa)
    }
    results = []
    for done, row in enumerate(qa, start=1):
        results.append(_answer_one(services.chat, deck_ids[row["deck"]], row, generator, notes_mode))
        on_progress(done, len(qa))
    return {"results": results, "metrics": metrics(results)}


def _answer_one(
    service: ChatService,
    deck_id: str,
    row: dict[str, Any],
    generator: Generator | None,
    notes_mode: NotesMode,
) -> dict[str, Any]:
    start = time.perf_counter()
    asked = service.ask(deck_id, row["question"], generator=generator, notes_mode=notes_mode)
    reply = next(item for item in asked if isinstance(item, Reply))
    latency = (time.perf_counter() - start) * 1000
    final = reply.answer
    evidence = evidence_text(list(reply.hits), {c.slide for c in final.citations})
    fields = reply.as_json()
    del fields["conversation_id"]  # each question is asked on its own
    return {
        **row,
        **fields,
        "latency_ms": round(latency, 1),
        "retrieved_slides": service.rank_slides(deck_id, row["question"], notes_mode),
        "unsupported_numbers": sorted(numbers(strip_markers(final.answer)) - numbers(evidence))
        if not final.refused
        else [],
        **({"reference_answer": row["answer"]} if "answer" in row else {}),
    }


def metrics(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics over the questions that carry reference fields; plain answering needs none."""
    answerable = [r for r in results if r.get("slides")]
    unanswerable = [r for r in results if r.get("kind") == "not-in-deck" or r.get("slides") == []]
    refused = [r for r in results if r["refused"]]
    scored = [r for r in answerable if "reference_answer" in r]
    latencies = [r["latency_ms"] for r in results]
    return {
        "questions": len(results),
        "cited_slide_hit": mean(
            [float(bool({c["slide"] for c in r["citations"]} & set(r["slides"]))) for r in answerable]
        ),
        **{
            f"slide_recall@{k}": mean(
                [recall_at(r["retrieved_slides"], set(r["slides"]), k) for r in answerable]
            )
            for k in (1, 3, 5)
        },
        "mrr": mean([reciprocal_rank(r["retrieved_slides"], set(r["slides"])) for r in answerable]),
        "answer_recall": mean([answer_recall(r["reference_answer"], r["answer"]) for r in scored]),
        "refusal_recall": mean([float(r["refused"]) for r in unanswerable]),
        "refusal_precision": mean([float(r in unanswerable) for r in refused]) if unanswerable else None,
        "answers_with_unsupported_numbers": sum(bool(r["unsupported_numbers"]) for r in results),
        "grounding_replaced": sum(r["grounding_replaced"] for r in results),
        "latency_ms_p50": percentile(latencies, 0.5),
        "latency_ms_p95": percentile(latencies, 0.95),
    }
