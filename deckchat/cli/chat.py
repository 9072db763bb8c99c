"""ask: put a question to a deck from the command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deckchat.cli.output import err, print_json
from deckchat.cli.state import services
from deckchat.services.chat import Reply

LlmOpt = Annotated[
    str | None,
    typer.Option(
        "--llm", help="extractive, default, hf:PATH_OR_ID or openai:BASE_URL (default: DECKCHAT_LLM)."
    ),
]
LlmModelOpt = Annotated[str | None, typer.Option("--llm-model", help="Model name for an openai: server.")]


def ask(
    deck: Annotated[str, typer.Argument(help="Deck id or slug.")],
    question: Annotated[str, typer.Argument(help="The question.")],
    slide: Annotated[int | None, typer.Option(help="The slide you are looking at.")] = None,
    conversation: Annotated[str | None, typer.Option(help="Continue this conversation id.")] = None,
    llm: LlmOpt = None,
    llm_model: LlmModelOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Ask a deck a question; the answer cites slides, or says the deck doesn't say."""
    service = services().chat
    generator = service.generator(llm, llm_model)
    streamed = False
    reply: Reply | None = None
    for item in service.ask(deck, question, conversation_id=conversation, slide=slide, generator=generator):
        if isinstance(item, Reply):
            reply = item
        elif not json_out:
            sys.stdout.write(item)
            sys.stdout.flush()
            streamed = True
    assert reply is not None
    if json_out:
        print_json(reply.as_json())
        return
    if streamed:
        sys.stdout.write("\n")
    if reply.answer.grounding_replaced:
        err.print("[dim](the model's answer was not supported by the deck: this is the deck's own text)[/]")
    for citation in reply.answer.citations:
        err.print(f"  [slide {citation.slide}] {citation.quote}", highlight=False, markup=False)
    err.print(f"(conversation {reply.conversation_id}; {reply.answer.llm})", highlight=False, markup=False)
