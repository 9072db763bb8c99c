"""user and token: presenters' accounts and API tokens, for the operator of this install."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer

from deckchat.cli.output import err, print_json
from deckchat.cli.state import accounts, settings

user_app = typer.Typer(help="Presenters who sign in to upload and manage decks.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens (Authorization: Bearer ...).", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
EmailArg = Annotated[str, typer.Argument(help="The presenter's e-mail address.", show_default=False)]


PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")]


def _new_password(stdin: bool) -> tuple[str, bool]:
    """(password, generated): read from stdin, asked at a terminal, or else generated and shown once."""
    if stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True)), False
    return secrets.token_urlsafe(12), True


@user_app.command("add")
def user_add(
    email: EmailArg,
    password_stdin: PasswordStdinOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add a presenter. The password is asked for; without a terminal one is generated and printed."""
    password, generated = _new_password(password_stdin)
    user = accounts().add_user(email, password)
    if json_out:
        print_json(
            {"id": user.id, "email": user.email, "handle": user.handle}
            | ({"password": password} if generated else {})
        )
        return
    err.print(f"Added {user.email} (page /u/{user.handle}).", highlight=False)
    if generated:
        print(password)
        err.print("That generated password is shown this once.", highlight=False)


@user_app.command("passwd")
def user_passwd(
    email: EmailArg,
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Set a presenter's password; their open sessions end."""
    password, generated = _new_password(password_stdin)
    accounts().set_password(email, password)
    if generated:
        print(password)
    err.print(f"Password set for {email}; their sessions are signed out.", highlight=False)


@user_app.command("list")
def user_list(json_out: JsonOpt = False) -> None:
    """The presenters of this install."""
    users = accounts().users()
    if json_out:
        print_json({"users": [{"id": u.id, "email": u.email, "handle": u.handle} for u in users]})
        return
    for user in users:
        print(f"{user.email}\t/u/{user.handle}\t{'password' if user.has_password else 'link only'}")


@user_app.command("link")
def user_link(email: EmailArg) -> None:
    """Print a one-time sign-in link for a presenter (valid 24 hours, or until used)."""
    print(sign_in_url(accounts().sign_in_link(email)))


def sign_in_url(secret: str) -> str:
    # The secret rides in the fragment: browsers never send it to the server in a request line, so it
    # stays out of access logs and Referer headers; the page posts it once.
    return f"{settings().base_url}/signin#link={secret}"


@token_app.command("create")
def token_create(
    user: Annotated[str | None, typer.Option(help="Whose token (e-mail); default: the first user.")] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
    json_out: JsonOpt = False,
) -> None:
    """Create an API token; it is printed this once and only its hash is kept."""
    owner = user or accounts().local_owner().email
    token, secret = accounts().create_token(owner, name)
    if json_out:
        print_json({"id": token.id, "name": token.name, "user": token.user_email, "token": secret})
        return
    print(secret)
    err.print(f"Token {token.id} for {token.user_email}; revoke it with `deckchat token revoke {token.id}`.")


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Whose tokens (e-mail); default: the first user.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """A presenter's tokens (never the secrets)."""
    tokens = accounts().tokens(user or accounts().local_owner().email)
    if json_out:
        print_json({"tokens": tokens})
        return
    for token in tokens:
        state = "revoked" if token.revoked else f"last used {token.last_used_at or 'never'}"
        print(f"{token.id}\t{token.name or '-'}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (from `token list`).")],
) -> None:
    """Revoke a token at once."""
    token = accounts().revoke_token(token_id)
    err.print(f"Revoked {token.id} of {token.user_email}.", highlight=False)
