"""model: plan where a model would live and how fast it would run; shard and bench are still to come."""

from __future__ import annotations

from typing import Annotated

import typer

from deckchat.cli.output import err, fail, print_json
from deckchat.cli.state import library
from deckchat.llm.bandwidth import measure, parse_rates
from deckchat.llm.plan import DTYPES, TIERS, parse_budget, plan_model

model_app = typer.Typer(help="Plan, shard and benchmark local models.", no_args_is_help=True)


@model_app.command()
def plan(
    src: Annotated[
        str, typer.Argument(help="A model directory, or a model id already in the local HF cache.")
    ],
    max_memory: Annotated[
        str | None,
        typer.Option(
            help="Budget per tier, e.g. gpu=16GiB,cpu=32GiB[,disk=200GiB]; default: what is free here."
        ),
    ] = None,
    dtype: Annotated[str, typer.Option(help="float16, bfloat16 or float32.")] = "float16",
    bandwidth: Annotated[
        str | None,
        typer.Option(
            help="Link figures instead of measuring, e.g. pcie=25GB/s,disk=2GB/s,gpu=900GB/s,cpu=20GB/s."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Predict, from the config alone, where each block would live and the per-token time floor."""
    if dtype not in DTYPES:
        fail(f"--dtype must be one of {', '.join(DTYPES)}.")
    settings = library().settings
    budget = parse_budget(max_memory, settings.home)
    rates = measure(settings.home / "tmp", parse_rates(bandwidth or ""))
    result = plan_model(src, budget, rates, dtype)
    if as_json:
        print_json(result.as_json())
        return
    print(f"{src}: {result.total_bytes / 1e9:.2f} GB in {dtype}")
    for tier in TIERS:
        blocks = sum(1 for t in result.modules.values() if t == tier)
        limit = f"of {budget[tier] / 2**30:.1f} GiB" if tier in budget else "(no such tier)"
        print(f"  {tier:<5} {result.placement[tier] / 1e9:8.2f} GB  {limit:<18} {blocks} modules")
    print(f"per-token floor (offload plan): {result.floor_seconds_per_token * 1000:.1f} ms")
    for option in result.options:
        mark = "fits" if option.fits else "does not fit"
        print(f"  {option.name:<8} {mark:<13} floor {option.floor_seconds_per_token * 1000:9.1f} ms/token")
    print(f"recommendation: {result.recommendation}")
    sources = ", ".join(
        f"{n} {b['bytes_per_second'] / 1e9:.1f} GB/s ({b['source']})" for n, b in result.bandwidths.items()
    )
    err.print(f"bandwidths: {sources}", highlight=False)


def _not_built(what: str) -> None:
    fail(f"`deckchat {what}` is not built yet.", code=2)


@model_app.command()
def shard(src: str, out: str) -> None:
    """Re-save a model in safetensors shards (not built yet)."""
    _not_built("model shard")


@model_app.command()
def bench(src: str) -> None:
    """Benchmark loading and generation (not built yet)."""
    _not_built("model bench")
