"""The `deckchat` command. Each command is a thin wrapper over the same services the API uses."""

from __future__ import annotations

import logging
import sys

import typer

from deckchat.cli import chat, decks, evaluate, models, server, users, worker
from deckchat.cli.output import fail
from deckchat.core.errors import DeckchatError

app = typer.Typer(
    name="deckchat",
    help="Host slide decks with a chatbot that answers from the deck and its notes, citing slides.\n\n"
    "Data lives in DECKCHAT_HOME (default ~/.local/share/deckchat).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(decks.add)
app.command("list")(decks.list_decks)
app.command()(decks.show)
app.command()(decks.rm)
app.command()(server.serve)
app.command()(worker.worker)
app.command()(chat.ask)
app.command("eval")(evaluate.evaluate_command)
app.add_typer(models.model_app, name="model")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        app()
    except DeckchatError as error:
        try:
            fail(f"{error.message} [{error.code}]")
        except typer.Exit as exit_:
            sys.exit(exit_.exit_code)


if __name__ == "__main__":
    main()
