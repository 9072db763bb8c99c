"""Answer quality on the whole dev set for one generator.

Asks every question of ../shared/decks/qa.jsonl and ../shared/devset/*/qa.jsonl, and both turns of
every conversation in ../shared/devset/*/conversations.jsonl, through deckchat's own eval
(``services.evaluate``: notes taken as public).

Which figures are honest: the retrieval and refusal constants in deckchat/index/fusion.py were set by
hand on ../shared/decks, so the "set:decks" row is in-sample; the lectures, talks and multilingual rows
(21 decks nothing was tuned on) are the out-of-sample figures to quote.

Prints, overall, per kind, per language (the deck's) and per set: cited-slide hit, slide
recall@1/@3/@5, refusal recall and precision, answer recall, answers with a number not in their cited
slides, latency p50/p95; and the follow-up hit (the second turn cites a reference slide).

Usage: python bench/quality.py [--llm extractive|default|...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import devset

from deckchat.core.chat import NotesMode
from deckchat.core.metrics import mean
from deckchat.evaluate import evaluate, metrics
from deckchat.services.app_services import Services
from deckchat.services.chat import ChatService, Reply

SHOWN = (
    ("questions", "n"),
    ("cited_slide_hit", "cited"),
    ("slide_recall@1", "r@1"),
    ("slide_recall@3", "r@3"),
    ("slide_recall@5", "r@5"),
    ("refusal_recall", "ref.rec"),
    ("refusal_precision", "ref.prec"),
    ("answer_recall", "ans.rec"),
    ("answers_with_unsupported_numbers", "bad num"),
    ("latency_ms_p50", "p50 ms"),
    ("latency_ms_p95", "p95 ms"),
)


def run(services: Services, args: argparse.Namespace) -> dict[str, Any]:
    service = services.chat
    generator = service.generator(args.llm, args.llm_model)
    results: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    for dev in devset.dev_sets(args.shared):
        rows = devset.questions(dev)
        talks = devset.conversations(dev)
        ids = devset.deck_ids(services, dev, [r["deck"] for r in rows] + [c["deck"] for c in talks])
        for name, deck_id in ids.items():
            language = devset.deck_language("\n".join(s.text for s in services.content.slides(deck_id)))
            asked = [r for r in rows if r["deck"] == name]
            if asked:
                report = evaluate(services, asked, dev.decks, generator)
                results += [{**r, "language": language} for r in report["results"]]
            for talk in (t for t in talks if t["deck"] == name):
                follow_ups.append({**_converse(service, deck_id, talk, generator), "language": language})
            print(f"{dev.name}/{name}: {len(asked)} questions", file=sys.stderr)
    return {"results": results, "follow_ups": follow_ups, "figures": figures(results, follow_ups)}


def _converse(service: ChatService, deck_id: str, talk: dict[str, Any], generator: Any) -> dict[str, Any]:
    """Both turns in one conversation; scores whether the second cites one of its reference slides."""
    conversation: str | None = None
    replies = []
    for turn in talk["turns"]:
        start = time.perf_counter()
        asked = service.ask(
            deck_id,
            turn["question"],
            conversation_id=conversation,
            generator=generator,
            notes_mode=NotesMode.PUBLIC,
        )
        reply = next(item for item in asked if isinstance(item, Reply))
        conversation = reply.conversation_id
        replies.append({**reply.as_json(), "latency_ms": (time.perf_counter() - start) * 1000})
    last = replies[-1]
    cited = {c["slide"] for c in last["citations"]}
    return {
        "deck": talk["deck"],
        "set": talk["set"],
        "turns": [t["question"] for t in talk["turns"]],
        "answer": last["answer"],
        "citations": last["citations"],
        "hit": bool(cited & set(talk["turns"][-1]["slides"])),
    }


def figures(results: list[dict[str, Any]], follow_ups: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    talks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        for key in ("all", f"kind:{r.get('kind')}", f"language:{r['language']}", f"set:{r['set']}"):
            groups[key].append(r)
    for t in follow_ups:
        for key in ("all", f"language:{t['language']}", f"set:{t['set']}"):
            talks[key].append(t)
    out = {}
    for key in sorted(groups, key=lambda k: (k != "all", k)):
        figures = metrics(groups[key])
        if talks.get(key):
            figures |= {
                "follow_ups": len(talks[key]),
                "follow_up_hit": mean([float(t["hit"]) for t in talks[key]]),
            }
        out[key] = figures
    return out


def print_table(table: dict[str, Any]) -> None:
    columns = [*SHOWN, ("follow_up_hit", "follow-up")]
    print(f"{'group':<22}" + "".join(f"{label:>10}" for _, label in columns))
    for group, values in table.items():
        cells = []
        for key, _ in columns:
            value = values.get(key)
            cells.append("-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value))
        print(f"{group:<22}" + "".join(f"{c:>10}" for c in cells))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", default="extractive", help="Generator spec: extractive, default, hf:..")
    parser.add_argument("--llm-model", default=None, help="Model name for openai: specs.")
    parser.add_argument("--home", type=Path, default=devset.HOME, help="DECKCHAT_HOME of the bench.")
    parser.add_argument("--shared", type=Path, default=devset.SHARED, help="Folder holding decks/, devset/.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document: results and figures.")
    args = parser.parse_args(argv)
    report = run(devset.open_bench_services(args.home), args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_table(report["figures"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
