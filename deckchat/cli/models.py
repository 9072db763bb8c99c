"""model: shard a model, plan where it would live and how fast it would run, and benchmark it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import torch
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from deckchat.cli.output import err, fail, print_json
from deckchat.cli.state import settings as started_settings
from deckchat.llm import modelbench
from deckchat.llm.bandwidth import measure, parse_bytes, parse_rates
from deckchat.llm.plan import DTYPES, TIERS, parse_budget, plan_model
from deckchat.llm.prefetch import OFFLOAD_DTYPES
from deckchat.llm.resolve import resolve_model
from deckchat.llm.shard import shard_model
from deckchat.llm.sources import open_source
from deckchat.settings import LlmOptions

model_app = typer.Typer(help="Plan, shard and benchmark local models.", no_args_is_help=True)

Source = Annotated[
    str, typer.Argument(help="A model directory, or a model id already in the local HF cache.")
]
MaxMemory = Annotated[
    str | None,
    typer.Option(
        help="Budget per tier, e.g. gpu=16GiB,cpu=32GiB[,disk=200GiB]; default: what is free here. "
        "What fits no tier but disk is offloaded to disk."
    ),
]
Bandwidth = Annotated[
    str | None,
    typer.Option(
        help="Link figures instead of measuring, e.g. pcie=25GB/s,disk=2GB/s,gpu=900GB/s,cpu=20GB/s."
    ),
]
OffloadDtype = Annotated[
    str,
    typer.Option(
        help="off, int8 or int4: stream the Linear weights offloaded to disk quantised (fewer bytes per "
        "token, slightly different output); default: DECKCHAT_LLM_OFFLOAD_DTYPE.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@model_app.command()
def plan(
    src: Source,
    max_memory: MaxMemory = None,
    dtype: Annotated[str, typer.Option(help="float16, bfloat16 or float32.")] = "float16",
    bandwidth: Bandwidth = None,
    offload_dtype: OffloadDtype = "",
    as_json: AsJson = False,
) -> None:
    """Predict, from the config alone, where each block would live and the per-token time floor."""
    if dtype not in DTYPES:
        fail(f"--dtype must be one of {', '.join(DTYPES)}.")
    settings = started_settings()  # bootstrapped: the measurements' files stay in home
    offload_dtype = _offload_dtype(offload_dtype or settings.llm_offload_dtype)
    budget = parse_budget(max_memory, settings.home)
    rates = measure(settings.temp_dir, parse_rates(bandwidth or ""))
    result = plan_model(src, budget, rates, dtype, offload_dtype)
    if as_json:
        print_json(result.as_json())
        return
    print(f"{src}: {result.total_bytes / 1e9:.2f} GB in {dtype}")
    for tier in TIERS:
        blocks = sum(1 for t in result.modules.values() if t == tier)
        limit = f"of {budget[tier] / 2**30:.1f} GiB" if tier in budget else "(no such tier)"
        print(f"  {tier:<5} {result.placement[tier] / 1e9:8.2f} GB  {limit:<18} {blocks} modules")
    streamed = f", disk streamed as {offload_dtype}" if offload_dtype != "off" else ""
    print(f"per-token floor (offload plan{streamed}): {result.floor_seconds_per_token * 1000:.1f} ms")
    for option in result.options:
        mark = "fits" if option.fits else "does not fit"
        print(
            f"  {option.name:<13} {mark:<13} floor {option.floor_seconds_per_token * 1000:9.1f} ms/token"
            f"  {1 / option.floor_seconds_per_token:8.1f} tokens/s"
        )
    print(f"recommendation: {result.recommendation}")
    sources = ", ".join(
        f"{n} {b['bytes_per_second'] / 1e9:.1f} GB/s ({b['source']})" for n, b in result.bandwidths.items()
    )
    err.print(f"bandwidths: {sources}", highlight=False)


@model_app.command()
def shard(
    src: Annotated[
        str,
        typer.Argument(help="A model directory (safetensors or .bin), a cached model id, or a .gguf file."),
    ],
    out: Annotated[Path, typer.Argument(help="A new folder for the sharded model.")],
    max_shard_size: Annotated[str, typer.Option(help="Largest shard, e.g. 4GB or 500MiB.")] = "4GB",
    dtype: Annotated[
        str, typer.Option(help="float16, bfloat16, float32, or auto to keep the source's.")
    ] = "float16",
) -> None:
    """Re-save a model as safetensors shards, one tensor at a time, then verify them against SRC."""
    if dtype not in (*DTYPES, "auto"):
        fail(f"--dtype must be one of {', '.join(DTYPES)} or auto.")
    wanted = None if dtype == "auto" else DTYPES[dtype]
    limit = int(parse_bytes(max_shard_size))
    source = open_source(src)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err
    ) as bar:
        task = bar.add_task("sharding", total=None)
        result = shard_model(
            source,
            out,
            max_shard_size=limit,
            dtype=wanted,
            progress=lambda n, total: bar.update(task, total=total, advance=n),
        )
    checked = result.verified
    print(
        f"wrote {result.tensors} tensors, {result.total_bytes / 1e9:.2f} GB, in {result.shards} shards: {out}"
    )
    print(
        f"verified: {checked.tensors} tensors in {checked.shards} shards; shapes, dtypes and "
        f"{checked.samples} sampled values match the source"
    )
    if not result.has_tokenizer:
        err.print(
            f"note: {src} has no tokenizer; copy one into {out} before chatting with it.", highlight=False
        )


@model_app.command()
def bench(
    src: Source,
    max_memory: MaxMemory = None,
    dtype: Annotated[
        str | None,
        typer.Option(help="float16, bfloat16 or float32; default: the dtype the model is stored in."),
    ] = None,
    tokens: Annotated[int, typer.Option(min=2, help="Tokens to generate per run.")] = 16,
    prompt_tokens: Annotated[int, typer.Option(min=1, help="Length of the (random) prompt.")] = 32,
    warm_cache: Annotated[
        bool,
        typer.Option(
            "--warm-cache",
            help="Let the page cache keep offloaded weights (by default each read is evicted, as for a "
            "model bigger than RAM).",
        ),
    ] = False,
    prompts: Annotated[
        str,
        typer.Option(
            help="random (token ids) or qa: deck QA prompts built as the chat builds them, from --decks."
        ),
    ] = "random",
    decks: Annotated[
        Path | None,
        typer.Option(
            help="For --prompts qa: a folder with qa.jsonl and the decks it names (../shared/decks)."
        ),
    ] = None,
    questions: Annotated[int, typer.Option(min=1, help="For --prompts qa: how many questions.")] = 4,
    draft: Annotated[
        str | None,
        typer.Option(
            help="Also run prefetch+draft with this resident draft model: smollm2, hf:PATH_OR_ID or a "
            "folder; it must share SRC's tokenizer."
        ),
    ] = None,
    bandwidth: Bandwidth = None,
    offload_dtype: OffloadDtype = "",
    as_json: AsJson = False,
) -> None:
    """Load SRC with plain accelerate, our prefetching executor, prefetch plus prompt-lookup drafts
    and (with --draft) prefetch plus a draft model's guesses, same budget and prompts, and compare.
    With --offload-dtype int8/int4 the prefetch modes stream quantised weights; accelerate stays the
    model's dtype."""
    settings = started_settings()  # bootstrapped: the measurements' files stay in home
    offload_dtype = _offload_dtype(offload_dtype or settings.llm_offload_dtype)
    stored = stored_dtype(src)
    dtype = dtype or stored
    if dtype not in DTYPES:
        fail(f"--dtype must be one of {', '.join(DTYPES)}.")
    draft_dir = checked_draft(src, draft, settings.llm_options) if draft else None
    budget = parse_budget(max_memory, settings.home)
    if budget.get("gpu") and not torch.cuda.is_available():
        err.print("note: no GPU here; the gpu budget is ignored.", highlight=False)
        budget.pop("gpu")
    rates = measure(settings.temp_dir, parse_rates(bandwidth or ""))
    floor = plan_model(src, budget, rates, dtype, offload_dtype).floor_seconds_per_token
    scratch = settings.temp_dir
    if prompts not in ("random", "qa"):
        fail("--prompts must be random or qa.")
    ids = qa_prompt_ids(src, decks, questions) if prompts == "qa" else None
    err.print(f"benchmarking {src} ({dtype}), up to {tokens} tokens per prompt, one process per mode…")
    report = modelbench.bench(
        src,
        budget,
        floor,
        tokens=tokens,
        prompt_tokens=prompt_tokens,
        prompts=ids,
        dtype=dtype,
        cold=not warm_cache,
        scratch=scratch,
        offload_dtype=offload_dtype,
        draft=str(draft_dir) if draft_dir else None,
    )
    if as_json:
        print_json(report.as_json())
        return
    print(
        f"{'mode':<16}{'load s':>8}{'1st tok s':>11}{'tok/s':>9}{'x accel':>9}{'pass/tok':>10}"
        f"{'accepted':>10}{'RAM GB':>8}{'VRAM GB':>9}{'MB/token':>10}{'of floor':>10}"
    )
    for run in report.runs:
        figures = report.mode_figures(run)
        print(
            f"{run.executor:<16}{run.load_seconds:8.2f}{run.first_token_seconds:11.3f}"
            f"{run.tokens_per_second:9.2f}{figures['vs_accelerate']:9.2f}{run.passes_per_token:10.2f}"
            f"{run.acceptance:10.0%}{run.peak_ram_bytes / 1e9:8.2f}{run.peak_vram_bytes / 1e9:9.2f}"
            f"{run.bytes_per_token / 1e6:10.1f}{modelbench.of_floor(floor, run):10.0%}"
        )
    print(f"floor: {floor * 1000:.1f} ms/token; prefetch / accelerate tokens/s: {report.speedup:.2f}x")
    print("outputs: " + ("identical" if report.identical else "DIFFERENT between the modes"))
    if not report.identical:
        raise typer.Exit(1)


def qa_prompt_ids(src: str, decks: Path | None, questions: int) -> list[list[int]]:
    """Token ids of the first ``questions`` deck QA prompts, in SRC's own chat template."""
    from transformers import AutoTokenizer

    from deckchat.chat.qa_prompts import qa_prompts
    from deckchat.llm.local import prompt_ids

    if decks is None or not (decks / "qa.jsonl").is_file():
        fail("--prompts qa needs --decks DIR, a folder with qa.jsonl and its decks (../shared/decks).")
    tokenizer = AutoTokenizer.from_pretrained(resolve_model(src), local_files_only=True)
    err.print(f"retrieving evidence for {questions} questions from {decks}…")
    return [
        prompt_ids(tokenizer, messages) for messages in qa_prompts(decks / "qa.jsonl", decks, limit=questions)
    ]


def _offload_dtype(value: str) -> str:
    if value not in OFFLOAD_DTYPES:
        fail(f"--offload-dtype must be one of {', '.join(OFFLOAD_DTYPES)}.")
    return value


def checked_draft(src: str, draft: str, options: LlmOptions) -> Path:
    """The draft model's folder, once its tokenizer is known to be SRC's: refused here, before any run."""
    from transformers import AutoTokenizer

    from deckchat.llm.draft import draft_source, ensure_same_tokenizer

    folder = draft_source(draft, options)
    tokenizers = [
        AutoTokenizer.from_pretrained(f, local_files_only=True) for f in (folder, resolve_model(src))
    ]
    ensure_same_tokenizer(*tokenizers, name=folder.name)
    return folder


def stored_dtype(src: str) -> str:
    """The dtype named in the model's config, so a benchmark doesn't cast (and resize) the weights."""
    config = json.loads((resolve_model(src) / "config.json").read_text())
    name = str(config.get("dtype") or config.get("torch_dtype") or "float16")
    return name if name in DTYPES else "float16"
