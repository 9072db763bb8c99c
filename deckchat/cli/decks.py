"""add, list, show, rm: the deck library from the command line."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from deckchat.cli.output import err, fail, print_json
from deckchat.cli.state import accounts, services
from deckchat.core import expiry
from deckchat.core.deck import Stage, Visibility
from deckchat.core.errors import InvalidInput
from deckchat.jobs.in_process import ingest_now
from deckchat.services.views import DeckView

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
DeckArg = Annotated[str, typer.Argument(help="Deck id or slug.")]

_STAGE_LABELS = {
    Stage.QUEUED: "queued",
    Stage.VALIDATE: "checking file",
    Stage.CONVERT: "converting with LibreOffice",
    Stage.RENDER: "rendering slides",
    Stage.OCR: "reading image-only slides (OCR)",
    Stage.NOTES: "reading notes",
    Stage.INDEX: "making it searchable",
    Stage.STORE: "saving",
}


def parse_expiry(text: str | None) -> datetime | None:
    """``--expires``: core's reading (a bare date is the end of that day, UTC); None for no expiry."""
    if not text:
        return None
    try:
        return expiry.parse_expiry(text)
    except InvalidInput:
        fail(f"--expires {text!r}: give {expiry.EXPIRY_EXAMPLES}.")


def deck_password(visibility: Visibility, given: str | None) -> str | None:
    """The password option, '-' for a line on stdin, or a prompt when the password visibility has none."""
    if given == "-":
        return sys.stdin.readline().rstrip("\n")
    if given is None and visibility is Visibility.PASSWORD:
        if not sys.stdin.isatty():
            fail("--visibility password needs --password TEXT (or --password - to read it from stdin).")
        return str(typer.prompt("Deck password", hide_input=True, confirmation_prompt=True))
    return given


def add(
    file: Annotated[
        Path, typer.Argument(help="The deck: PDF, PPTX, PPT, ODP or Keynote.", show_default=False)
    ],
    notes: Annotated[
        list[Path] | None,
        typer.Option("--notes", help="A notes file (Markdown, TXT, DOCX, PDF); repeatable."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Deck title; default: from the file.")] = None,
    visibility: Annotated[
        Visibility,
        typer.Option(
            help="Who can open the deck: public (listed on your page), unlisted (anyone with the link), "
            "private (you alone) or password (the link and a password)."
        ),
    ] = Visibility.UNLISTED,
    password: Annotated[
        str | None,
        typer.Option(help="The password for --visibility password; '-' reads it from stdin; default: asked."),
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="When the link stops working for viewers: 2027-01-31 or a time.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="The presenter who owns it (e-mail); default: the first user.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest a deck and its notes, wait until it is ready, and print its URL."""
    paths = [file, *(notes or [])]
    for path in paths:
        if not path.is_file():
            fail(f"{path}: no such file.")
    expires_at = parse_expiry(expires)
    secret = deck_password(visibility, password)
    opened = services()
    presenter = accounts().user(owner) if owner else accounts().local_owner()
    try:
        with _progress_bar() as bar:
            task = bar.add_task("starting", total=None)

            def show(stage: Stage, done: int, total: int) -> None:
                bar.update(
                    task,
                    description=_STAGE_LABELS.get(stage, stage.value),
                    completed=done,
                    total=total or None,
                )

            # A failed job raises its error with its code, which main() prints as one line.
            deck_id = ingest_now(
                opened,
                file,
                notes or [],
                title=title,
                visibility=visibility,
                owner_id=presenter.id,
                password=secret,
                expires_at=expires_at,
                listener=show,
            )
    except KeyboardInterrupt:
        fail("interrupted; the upload is kept and the job will be retried by `deckchat serve`.", 130)
    deck = opened.decks.get(deck_id)
    if json_out:
        print_json(_summary(deck))
    else:
        err.print(f"Ready: {deck.title} ({deck.slide_count} slides)", highlight=False)
        print(deck.url)


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _summary(deck: DeckView) -> dict[str, object]:
    return {
        "id": deck.id,
        "slug": deck.slug,
        "url": deck.url,
        "status": deck.status,
        "slide_count": deck.slide_count,
        "title": deck.title,
    }


def list_decks(json_out: JsonOpt = False) -> None:
    """List the decks in DECKCHAT_HOME."""
    decks = services().decks.decks()
    if json_out:
        print_json({"decks": [_summary(deck) | {"error": deck.error} for deck in decks]})
        return
    if not decks:
        err.print("No decks yet: add one with `deckchat add FILE`.")
        return
    table = Table("id", "slug", "status", "slides", "title")
    for deck in decks:
        table.add_row(deck.id, deck.slug, deck.status, str(deck.slide_count), deck.title)
    Console().print(table)


def show(deck: DeckArg, json_out: JsonOpt = False) -> None:
    """Show a deck and every slide's title, text, notes and image URLs."""
    opened = services()
    view = opened.decks.get(deck)
    slides = opened.content.slides(deck)
    notes = opened.content.notes(deck)
    if json_out:
        print_json(_summary(view) | {"error": view.error, "slides": slides, "notes_documents": notes})
        return
    typer.echo(f"{view.title}  [{view.status}]  {view.url}")
    for slide in slides:
        flag = " (OCR)" if slide.ocr else ""
        typer.echo(f"\n--- slide {slide.number}: {slide.title}{flag}")
        if slide.text:
            typer.echo(slide.text)
        if slide.notes:
            typer.echo(f"[notes] {slide.notes}")
    for doc in notes:
        typer.echo(f"\n=== notes: {doc.filename} ({len(doc.sections)} sections)")


def rm(deck: DeckArg) -> None:
    """Delete a deck, its images and its notes."""
    deck_id = services().decks.remove(deck)
    err.print(f"Deleted deck {deck_id}.", highlight=False)
