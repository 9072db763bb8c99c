"""eval: answer a QA file's questions over its decks, and score them against any reference fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from deckchat.cli.chat import LlmModelOpt, LlmOpt
from deckchat.cli.output import err, fail, print_json
from deckchat.cli.state import services
from deckchat.core.chat import NotesMode
from deckchat.evaluate import evaluate, read_qa


def evaluate_command(
    qa: Annotated[
        Path, typer.Argument(help="QA file: JSON lines with deck, question and optional references.")
    ],
    decks: Annotated[Path, typer.Option("--decks", help="Folder holding the decks the QA file names.")],
    llm: LlmOpt = None,
    llm_model: LlmModelOpt = None,
    notes_mode: Annotated[
        NotesMode,
        typer.Option(
            "--notes-mode",
            help="Answer as if the decks' notes were in this mode (their own is left as it is); "
            "questions of kind notes need public.",
        ),
    ] = NotesMode.PUBLIC,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Ingest the decks a QA file names, answer every question, and report metrics."""
    if not qa.is_file():
        fail(f"{qa}: no such file.")
    opened = services()
    generator = opened.chat.generator(llm, llm_model)
    rows = read_qa(qa)
    with Progress(
        TextColumn("answering"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("answering", total=len(rows))
        report = evaluate(
            opened,
            rows,
            decks,
            generator,
            lambda done, total: bar.update(task, completed=done),
            notes_mode=notes_mode,
        )
    if json_out:
        print_json(report)
        return
    for name, value in report["metrics"].items():
        shown = "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
        typer.echo(f"{name:<34}{shown}")
