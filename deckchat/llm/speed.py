"""How fast a generator answers a deck-sized prompt: seconds to the first piece, pieces per second.

``python -m deckchat.llm.speed`` measures ``default`` (int8 on a CPU), the same converted weights
without int8 (``hf:<converted dir>``: bfloat16 or float32, whichever this CPU runs faster), and
llama.cpp on the GGUF they came from, in one run, and prints a table with ratios against the default.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deckchat.llm.base import Generator, Message

FACTS = [
    "Revenue grew {n}% year over year, led by the enterprise plan.",
    "The pilot in region {n} cut onboarding time from nine days to four.",
    "Support tickets per customer fell for the {n}th month in a row.",
    "Hiring plan: {n} engineers and two designers before the next review.",
    "Risk: supplier delays in the second half could push shipping back {n} weeks.",
]


@dataclass(frozen=True, slots=True)
class Speed:
    name: str
    first_token_s: float
    pieces_per_s: float  # a piece is one token, except where a character spans several


def deck_prompt(run: int, slides: int = 60) -> list[Message]:
    """A question over ``slides`` slides of text (about 30 tokens each). ``run`` changes the first
    line, so a runtime that reuses the previous prompt's cache (llama.cpp does) can't skip work."""
    lines = [f"[Slide {i}] " + FACTS[i % len(FACTS)].format(n=i + 2) for i in range(1, slides + 1)]
    system = f"Session {run}. Answer only from these slides and cite them as [Slide N].\n" + "\n".join(lines)
    return [Message("system", system), Message("user", "What is the hiring plan, and what are the risks?")]


def measure(
    generator: Generator,
    prompt: Callable[[int], Sequence[Message]] = deck_prompt,
    *,
    runs: int = 3,
    max_tokens: int = 64,
) -> Speed:
    """Best of ``runs``: other work on the machine only ever slows a run down."""
    timings = [_time_once(generator, prompt(run), max_tokens) for run in range(runs)]
    return Speed(generator.name, min(t[0] for t in timings), max(t[1] for t in timings))


def _time_once(generator: Generator, messages: Sequence[Message], max_tokens: int) -> tuple[float, float]:
    start = time.perf_counter()
    stamps = [time.perf_counter() for _ in generator.stream(messages, max_tokens=max_tokens)]
    if len(stamps) < 2:
        raise RuntimeError(f"{generator.name} answered with {len(stamps)} pieces; cannot time decoding")
    return stamps[0] - start, (len(stamps) - 1) / (stamps[-1] - stamps[0])


def main(argv: Sequence[str] | None = None) -> None:
    from deckchat.llm import smollm2
    from deckchat.llm.llamacpp import LlamaCppGenerator
    from deckchat.llm.local import LocalGenerator
    from deckchat.llm.registry import make_generator
    from deckchat.settings import Settings

    args = _parser().parse_args(argv)
    options = Settings().llm_options  # read once, here at the start of the process
    default = make_generator("default", options)
    if isinstance(default, LocalGenerator):
        print(f"prompt: {len(default.prompt_ids(deck_prompt(0, args.slides)))} tokens")
    float32 = make_generator(f"hf:{smollm2.converted_dir(options)}", options)
    llama = LlamaCppGenerator(smollm2.gguf_path(), name="llama.cpp (same GGUF, Q4_1)")
    rows = [
        measure(g, lambda run: deck_prompt(run, args.slides), runs=args.runs, max_tokens=args.max_tokens)
        for g in (default, float32, llama)
    ]
    llama.close()
    base = rows[0]
    print(f"{'generator':48} {'first token s':>14} {'tokens/s':>9}   time / rate vs default")
    for row in rows:
        ratio = f"{row.first_token_s / base.first_token_s:.2f}x / {row.pieces_per_s / base.pieces_per_s:.2f}x"
        print(f"{row.name[:48]:48} {row.first_token_s:14.2f} {row.pieces_per_s:9.1f}   {ratio}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slides", type=int, default=60, help="prompt size (about 30 tokens a slide)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    return parser


if __name__ == "__main__":
    main()
