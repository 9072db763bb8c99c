"""Quantised offload (int8, int4) against the model's own dtype: the quality it costs, the speed it buys.

On the converted SmolLM2-135M-Instruct (float32), by default:

- **Quality**, with every block on disk, so every Linear weight but the embeddings is streamed
  quantised (the worst case): on deck QA prompts built as the chat builds them (chat/qa_prompts.py,
  tests/data/decks), the share of answer tokens where the quantised model's greedy choice equals the
  float model's, given the float answer so far (teacher-forced agreement: every position counts, not
  only those before a first divergence); the share of whole answers that come out identical, and the
  mean share of each answer up to its first differing token. And the perplexity of slide text from
  a few real decks under each.
- **Speed**, with half the blocks on disk and the page cache dropped after every read, as
  bench/offload.py does: tokens/s, bytes read per token and the floor of prefetch at the model's dtype
  and at each quantised dtype, each in its own process (modelbench.py), on the same deck prompts.

Prints tables and ratios against the float model measured in the same run, and the load average.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch

from deckchat.llm import quantize
from deckchat.llm.bandwidth import measure, parse_rates

DECKS = Path(__file__).resolve().parent.parent / "tests" / "data" / "decks"
# Perplexity text: two English decks, one German and one Chinese, PDF and PPTX alike.
TEXT_DECKS = (
    "owasp-top10-2013-presentation.pptx",
    "k8s-new-contributor-orientation-2025-04.pdf",
    "ecodesign-tuwien-electronics-sustainability-de.pptx",
    "msra-ai-system-14-ai-for-systems-zh.pdf",
)
SCHEMES = ("off", *quantize.SCHEMES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a float32 model folder (default: convert SmolLM2)")
    parser.add_argument("--questions", type=int, default=6, help="deck QA prompts for agreement")
    parser.add_argument("--tokens", type=int, default=48, help="greedy tokens per answer")
    parser.add_argument("--text-tokens", type=int, default=512, help="tokens of slide text per deck")
    parser.add_argument("--speed-questions", type=int, default=2)
    parser.add_argument("--speed-tokens", type=int, default=16)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--bandwidth", default="", help="link figures instead of measuring, as model plan")
    args = parser.parse_args()
    print(f"load average at start: {_load()}")
    with tempfile.TemporaryDirectory(prefix="deckchat-bench-quality-") as tmp:
        model_dir = args.model or _converted_smollm2(Path(tmp) / "home")
        tokenizer = _tokenizer(model_dir)
        prompts = _prompt_ids(tokenizer, args.questions)
        texts = [_deck_text_ids(tokenizer, DECKS / name, args.text_tokens) for name in TEXT_DECKS]
        if not args.skip_quality:
            quality(model_dir, Path(tmp), prompts, texts, args.tokens)
        if not args.skip_speed:
            speed(model_dir, Path(tmp), prompts[: args.speed_questions], args.speed_tokens, args.bandwidth)
    print(f"load average at end: {_load()}")
    return 0


def quality(
    model_dir: Path, tmp: Path, prompts: list[list[int]], texts: list[list[int]], tokens: int
) -> None:
    results: dict[str, dict[str, Any]] = {}
    reference: list[list[int]] = []
    for scheme in SCHEMES:
        model = _all_on_disk(model_dir, tmp / f"quality-{scheme}", scheme)
        store = model._deckchat_prefetcher.quantized
        disk = sum(1 for where in model.hf_device_map.values() if where == "disk")
        print(
            f"{scheme}: {disk} of {len(model.hf_device_map)} modules on disk, "
            f"{len(store.keys()) if store else 0} Linear weights streamed quantised",
            file=sys.stderr,
        )
        answers = [_greedy(model, ids, tokens) for ids in prompts]
        if scheme == "off":
            reference = answers
        forced = [_forced_agreement(model, ids, ref) for ids, ref in zip(prompts, reference, strict=True)]
        results[scheme] = {
            "agree": sum(a for a, _ in forced) / max(1, sum(n for _, n in forced)),
            "identical": sum(a == r for a, r in zip(answers, reference, strict=True)) / len(prompts),
            "prefix": sum(_prefix(a, r) / max(1, len(r)) for a, r in zip(answers, reference, strict=True))
            / len(prompts),
            "ppl": [_perplexity(model, ids) for ids in texts],
        }
        del model
    n_tokens = sum(len(r) for r in reference)
    print(
        f"\nquality: every block on disk; {len(prompts)} deck QA prompts, {n_tokens} float answer tokens; "
        f"perplexity over {sum(map(len, texts))} tokens of slide text from {len(texts)} decks"
    )
    names = [name.split("-")[0] + "…" + name.rsplit(".", 1)[-1] for name in TEXT_DECKS]
    print(
        f"{'offload dtype':<14}{'forced agree':>13}{'identical':>11}{'prefix':>8}{'ppl (mean)':>12}"
        + "".join(f"{n:>16}" for n in names)
    )
    for scheme, r in results.items():
        mean = math.exp(sum(math.log(p) for p in r["ppl"]) / len(r["ppl"]))
        print(
            f"{scheme:<14}{r['agree']:13.1%}{r['identical']:11.0%}{r['prefix']:8.0%}{mean:12.2f}"
            + "".join(f"{p:16.2f}" for p in r["ppl"])
        )


def speed(model_dir: Path, tmp: Path, prompts: list[list[int]], tokens: int, bandwidth: str) -> None:
    from deckchat.llm.modelbench import bench, of_floor
    from deckchat.llm.plan import plan_model

    size = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    budget = {"cpu": size // 2, "disk": 100 * 2**30}
    rates = measure(tmp / "probe", parse_rates(bandwidth))
    rows = []
    for scheme in SCHEMES:
        plan = plan_model(str(model_dir), budget, rates, "float32", scheme)
        report = bench(
            str(model_dir),
            budget,
            plan.floor_seconds_per_token,
            tokens=tokens,
            prompts=prompts,
            dtype="float32",
            scratch=tmp,
            modes=("prefetch",),
            offload_dtype=scheme,
        )
        rows.append((scheme, plan, report.runs[0]))
    base = rows[0][2].tokens_per_second
    print(
        f"\nspeed: prefetch, RAM budget {size / 2 / 1e9:.2f} GB of {size / 1e9:.2f} GB "
        f"({rows[0][1].placement['disk'] / 1e9:.2f} GB on disk), page cache dropped after every read; "
        f"{len(prompts)} deck QA prompts, up to {tokens} tokens each; "
        f"disk {rates.rates['disk'] / 1e9:.1f} GB/s, RAM {rates.rates['cpu'] / 1e9:.1f} GB/s "
        f"({rates.sources['disk']})"
    )
    print(
        f"{'offload dtype':<14}{'load s':>8}{'1st tok s':>11}{'tok/s':>8}{'x float':>9}{'MB/token':>10}"
        f"{'floor ms':>10}{'of floor':>10}{'peak RAM GB':>13}"
    )
    for scheme, plan, run in rows:
        print(
            f"{scheme:<14}{run.load_seconds:8.2f}{run.first_token_seconds:11.2f}{run.tokens_per_second:8.2f}"
            f"{run.tokens_per_second / base if base else 0:9.2f}{run.bytes_per_token / 1e6:10.0f}"
            f"{plan.floor_seconds_per_token * 1000:10.0f}{of_floor(plan.floor_seconds_per_token, run):10.0%}"
            f"{run.peak_ram_bytes / 1e9:13.2f}"
        )


def _all_on_disk(model_dir: Path, folder: Path, scheme: str) -> Any:
    from deckchat.llm.load import load_model

    # A budget smaller than any block: accelerate puts every block on disk.
    return load_model(
        model_dir,
        device_map="auto",
        max_memory={"cpu": 1_000_000},
        offload_folder=folder,
        dtype=torch.float32,
        offload_dtype=scheme,
    )


def _greedy(model: Any, ids: list[int], tokens: int) -> list[int]:
    from deckchat.llm import decode
    from deckchat.llm.decode import Counts
    from deckchat.llm.local import CachedForward

    eos = model.generation_config.eos_token_id
    stop = frozenset(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    return list(decode.greedy(CachedForward(model), ids, tokens, stop, Counts()))


def _forced_agreement(model: Any, prompt: list[int], answer: list[int]) -> tuple[int, int]:
    """(positions where the model's greedy choice is the reference answer's token, positions)."""
    if not answer:
        return 0, 0
    with torch.inference_mode():
        logits = model(torch.tensor([prompt + answer[:-1]])).logits[0, len(prompt) - 1 :]
    return int((logits.argmax(-1) == torch.tensor(answer)).sum()), len(answer)


def _perplexity(model: Any, ids: list[int]) -> float:
    with torch.inference_mode():
        logits = model(torch.tensor([ids])).logits[0, :-1].float()
    return math.exp(float(torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]))))


def _prefix(answer: list[int], reference: list[int]) -> int:
    return next(
        (i for i, (a, r) in enumerate(zip(answer, reference, strict=False)) if a != r),
        min(len(answer), len(reference)),
    )


def _converted_smollm2(home: Path) -> Path:
    from deckchat.llm import smollm2
    from deckchat.settings import Settings

    print("converting the embedded SmolLM2 to safetensors…", file=sys.stderr)
    return smollm2.ensure_converted(Settings(home=home).llm_options)


def _tokenizer(model_dir: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir, local_files_only=True)


def _prompt_ids(tokenizer: Any, questions: int) -> list[list[int]]:
    """The first answerable question of each of the first ``questions`` decks the QA file names."""
    import json

    from deckchat.chat.qa_prompts import qa_prompts
    from deckchat.llm.local import prompt_ids

    rows = [json.loads(line) for line in (DECKS / "qa.jsonl").read_text().splitlines() if line.strip()]
    decks = list(dict.fromkeys(row["deck"] for row in rows))[:questions]
    messages = [m for deck in decks for m in qa_prompts(DECKS / "qa.jsonl", DECKS, decks={deck}, limit=1)]
    return [prompt_ids(tokenizer, m) for m in messages]


def _deck_text_ids(tokenizer: Any, deck: Path, tokens: int) -> list[int]:
    from deckchat.chat.qa_prompts import deck_slides

    text = "\n\n".join(f"{s.title}\n{s.text}".strip() for s in deck_slides(deck))
    ids: list[int] = tokenizer(text, add_special_tokens=False)["input_ids"]
    return ids[:tokens]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


if __name__ == "__main__":
    sys.exit(main())
