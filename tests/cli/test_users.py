"""user and token: the operator's commands for presenters' accounts and API tokens."""

from __future__ import annotations

import json

import pytest

from deckchat.cli import state
from deckchat.core.errors import DeckchatError
from tests.cli.conftest import Command

EMAIL = "ada@example.com"


def test_a_presenter_added_with_a_password_from_stdin_signs_in_with_it(command: Command) -> None:
    added = command("user", "add", EMAIL, "--password-stdin", "--json", stdin="correct horse battery\n")
    assert added.exit_code == 0, added.output
    user = json.loads(added.stdout)
    assert set(user) == {"id", "email", "handle"}  # no password: the operator chose it
    signed_in = state.accounts().sign_in(EMAIL, "correct horse battery")
    assert signed_in.user.id == user["id"]

    changed = command("user", "passwd", EMAIL, "--password-stdin", stdin="a new passphrase\n")
    assert changed.exit_code == 0, changed.output
    assert changed.stdout == "" and "sessions are signed out" in changed.stderr
    assert state.accounts().session_user(signed_in.secret) is None
    assert state.accounts().sign_in(EMAIL, "a new passphrase").user.id == user["id"]
    with pytest.raises(DeckchatError) as refused:
        state.accounts().sign_in(EMAIL, "correct horse battery")
    assert refused.value.code == "bad_credentials"


def test_without_a_terminal_a_password_is_generated_and_shown_once(command: Command) -> None:
    added = command("user", "add", EMAIL)
    assert added.exit_code == 0, added.output
    [password] = added.stdout.splitlines()
    assert "shown this once" in added.stderr and password not in added.stderr
    assert state.accounts().sign_in(EMAIL, password).user.email == EMAIL
    listed = json.loads(command("user", "list", "--json").stdout)["users"]
    assert [u["email"] for u in listed] == [EMAIL]


def test_a_sign_in_link_carries_its_secret_in_the_fragment(command: Command) -> None:
    command("user", "add", EMAIL, "--password-stdin", stdin="correct horse battery\n")
    link = command("user", "link", EMAIL)
    assert link.exit_code == 0, link.output
    page, _, secret = link.stdout.strip().partition("#link=")
    assert page == f"{state.settings().base_url}/signin"  # the server never sees it in a request line
    assert state.accounts().redeem_link(secret).user.email == EMAIL


def test_a_token_works_until_it_is_revoked(command: Command) -> None:
    command("user", "add", EMAIL, "--password-stdin", stdin="correct horse battery\n")
    created = json.loads(command("token", "create", "--name", "laptop", "--json").stdout)
    assert (created["name"], created["user"]) == ("laptop", EMAIL)  # the first user, by default
    assert state.accounts().token_user(created["token"]) is not None

    [listed] = json.loads(command("token", "list", "--json").stdout)["tokens"]
    assert (listed["id"], listed["revoked"]) == (created["id"], False)
    assert created["token"] not in json.dumps(listed)  # only its hash is kept

    revoked = command("token", "revoke", created["id"])
    assert revoked.exit_code == 0, revoked.output
    assert state.accounts().token_user(created["token"]) is None
    [listed] = json.loads(command("token", "list", "--json").stdout)["tokens"]
    assert listed["revoked"] is True
