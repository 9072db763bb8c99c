"""Commands of the public contract whose features have not landed yet: they say so and exit 2."""

from __future__ import annotations

from typing import Annotated

import typer

from deckchat.cli.output import fail

model_app = typer.Typer(help="Shard, plan and benchmark local models (not built yet).", no_args_is_help=True)


def _not_built(what: str) -> None:
    fail(f"`deckchat {what}` is not built yet.", code=2)


def ask(
    deck: Annotated[str, typer.Argument(help="Deck id or slug.")],
    question: Annotated[str, typer.Argument(help="The question.")],
) -> None:
    """Ask a deck a question (not built yet)."""
    _not_built("ask")


def evaluate(qa: Annotated[str, typer.Argument(help="QA file (JSON lines).")]) -> None:
    """Answer a QA file's questions and score them (not built yet)."""
    _not_built("eval")


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
