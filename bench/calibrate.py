"""The refusal threshold, chosen out of fold: leave one deck out, over the whole dev set.

Every question of ../shared/decks and ../shared/devset/* (and the second turn of every two-turn
conversation) is asked once with refusal switched off, keeping its answerability score and what the
answer cites; refusing below a threshold t is then "score < t", so any threshold can be scored without
asking again. For each deck, the threshold is chosen on the other decks alone and applied to it; the
figures printed are those out-of-fold decisions: cited-slide hit, refusal recall and precision,
follow-up hit. The threshold chosen on all decks is the one to ship (deckchat/index/fusion.py
REFUSE_BELOW); the spread of the per-deck choices says how stable it is.

The objective is the mean of the four figures, the issue's targets, weighted alike.

Usage: python bench/calibrate.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from deckchat.core.chat import NotesMode
from deckchat.core.metrics import mean
from deckchat.index.fusion import REFUSE_BELOW
from deckchat.services.app_services import Services
from deckchat.services.chat import ChatService, Reply

THRESHOLDS = np.round(np.arange(0.0, 1.0001, 0.02), 2)


def ask(service: ChatService, deck_id: str, questions: Sequence[str]) -> Reply:
    """Ask the questions in one conversation; the last reply."""
    conversation: str | None = None
    reply: Reply | None = None
    for question in questions:
        asked = service.ask(deck_id, question, conversation_id=conversation, notes_mode=NotesMode.PUBLIC)
        reply = next(item for item in asked if isinstance(item, Reply))
        conversation = reply.conversation_id
    assert reply is not None
    return reply


def collect(services: Services, shared: Path) -> list[dict[str, Any]]:
    import devset  # a sibling script, on the path when this runs as one; the scoring below needs none

    rows: list[dict[str, Any]] = []
    for dev in devset.dev_sets(shared):
        qa = devset.questions(dev)
        talks = devset.conversations(dev)
        ids = devset.deck_ids(services, dev, [r["deck"] for r in qa] + [t["deck"] for t in talks])
        items = [(r["deck"], [r["question"]], r.get("slides") or [], "question") for r in qa]
        items += [
            (t["deck"], [x["question"] for x in t["turns"]], t["turns"][-1]["slides"], "follow-up")
            for t in talks
        ]
        for name, questions, slides, kind in items:
            reply = ask(services.chat, ids[name], questions)
            cited = sorted({c.slide for c in reply.answer.citations})
            rows.append(
                {
                    "deck": f"{dev.name}/{name}",
                    "kind": kind,
                    "slides": slides,
                    "score": reply.answerability,
                    "hit": bool(set(cited) & set(slides)),
                }
            )
        print(f"{dev.name}: {len(items)} asked", file=sys.stderr)
    return rows


def figures(rows: list[dict[str, Any]], thresholds: dict[str, float]) -> dict[str, float | None]:
    """The four figures when each row's deck refuses below its threshold."""
    refused = [r["score"] < thresholds[r["deck"]] for r in rows]
    questions = [(r, ref) for r, ref in zip(rows, refused, strict=True) if r["kind"] == "question"]
    answerable = [(r, ref) for r, ref in questions if r["slides"]]
    unanswerable = [ref for r, ref in questions if not r["slides"]]
    refusals = [bool(r["slides"]) for r, ref in questions if ref]
    follow_ups = [(r, ref) for r, ref in zip(rows, refused, strict=True) if r["kind"] == "follow-up"]
    return {
        "cited_slide_hit": mean([float(r["hit"] and not ref) for r, ref in answerable]),
        "refusal_recall": mean([float(ref) for ref in unanswerable]),
        "refusal_precision": mean([float(not answerable_) for answerable_ in refusals]),
        "follow_up_hit": mean([float(r["hit"] and not ref) for r, ref in follow_ups]),
    }


def objective(values: dict[str, float | None]) -> float:
    return float(np.mean([v if v is not None else 0.0 for v in values.values()]))


def best_threshold(rows: list[dict[str, Any]]) -> float:
    decks = {r["deck"] for r in rows}
    scored = [(objective(figures(rows, dict.fromkeys(decks, float(t)))), -float(t)) for t in THRESHOLDS]
    return -max(scored)[1]


def out_of_fold(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Each deck's threshold, chosen on the other decks."""
    decks = sorted({r["deck"] for r in rows})
    return {deck: best_threshold([r for r in rows if r["deck"] != deck]) for deck in decks}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bench = Path(__file__).resolve().parent
    parser.add_argument(
        "--home", type=Path, default=bench / ".cache" / "home", help="DECKCHAT_HOME of the bench."
    )
    parser.add_argument(
        "--shared", type=Path, default=bench.parents[1] / "shared", help="Folder holding decks/, devset/."
    )
    parser.add_argument("--rows", type=Path, help="Reuse the scores a previous --json run saved.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    args = parser.parse_args(argv)
    import devset

    if args.rows:
        rows = json.loads(args.rows.read_text())["rows"]
    else:
        rows = collect(devset.open_bench_services(args.home, refuse_below=0.0), args.shared)
    folds = out_of_fold(rows)
    decks = {r["deck"] for r in rows}
    report = {
        "out_of_fold": figures(rows, folds),
        "fold_thresholds": {"min": min(folds.values()), "max": max(folds.values())},
        "chosen_on_all": best_threshold(rows),
        "shipped": REFUSE_BELOW,
        "shipped_in_sample": figures(rows, dict.fromkeys(decks, REFUSE_BELOW)),
        "rows": rows,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for key in ("out_of_fold", "fold_thresholds", "chosen_on_all", "shipped", "shipped_in_sample"):
            print(f"{key}: {report[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
