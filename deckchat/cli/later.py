"""Commands of the public contract whose features have not landed yet: they say so and exit 2."""

from __future__ import annotations

import typer

from deckchat.cli.output import fail

model_app = typer.Typer(help="Shard, plan and benchmark local models (not built yet).", no_args_is_help=True)


def _not_built(what: str) -> None:
    fail(f"`deckchat {what}` is not built yet.", code=2)


@model_app.command()
def shard(src: str, out: str) -> None:
    """Re-save a model in safetensors shards (not built yet)."""
    _not_built("model shard")


@model_app.command()
def plan(src: str) -> None:
    """Predict where a model's layers would live and how fast it would run (not built yet)."""
    _not_built("model plan")


@model_app.command()
def bench(src: str) -> None:
    """Benchmark loading and generation (not built yet)."""
    _not_built("model bench")
