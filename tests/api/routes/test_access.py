"""Signing in and out, one-time sign-in links, deck passwords and presenters' public pages, over the real
app. Who may call which route is tests/api/test_auth.py's matrix; these check what each route does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.api.auth import CSRF_HEADER, SESSION_COOKIE, VIEWER_COOKIE
from deckchat.bootstrap import bootstrap
from deckchat.services.accounts import SESSION_DAYS, Accounts
from deckchat.settings import Settings
from tests.api.helpers import PRESENTER, error_code, one_page_deck

PASSWORD = "correct horse"
DECK_PASSWORD = "open sesame"


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    """The real app with a presenter who signs in by password; three attempts a minute per address."""
    with TestClient(create_app(bootstrap(Settings(home=home, sign_in_rate="3/minute")), run_jobs=False)) as c:
        accounts: Accounts = c.app.state.accounts  # type: ignore[attr-defined]
        accounts.add_user(PRESENTER, PASSWORD)
        yield c


def _set_cookie(response: object) -> str:
    [header] = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return str(header)


def test_sign_in_sets_the_session_cookie_and_sign_out_ends_the_session(client: TestClient) -> None:
    wrong = client.post("/api/session", json={"email": PRESENTER, "password": "wrong"})
    assert (wrong.status_code, error_code(wrong)) == (401, "bad_credentials")
    assert "set-cookie" not in wrong.headers

    signed = client.post("/api/session", json={"email": PRESENTER.upper(), "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["user"]["email"] == PRESENTER and body["csrf_token"]
    secret = signed.cookies[SESSION_COOKIE]
    assert _set_cookie(signed) == (
        f"{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_DAYS * 86400}"
    )
    client.cookies.clear()
    cookie = {"Cookie": f"{SESSION_COOKIE}={secret}"}
    assert client.get("/api/session", headers=cookie).json() == body

    out = client.delete("/api/session", headers={**cookie, CSRF_HEADER: body["csrf_token"]})
    assert out.status_code == 204
    assert _set_cookie(out) == f"{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    client.cookies.clear()
    assert client.get("/api/session", headers=cookie).json() == {"user": None, "csrf_token": None}


def test_a_sign_in_link_signs_in_once(client: TestClient) -> None:
    accounts: Accounts = client.app.state.accounts  # type: ignore[attr-defined]
    link = accounts.sign_in_link(PRESENTER)
    first = client.post("/api/session/link", json={"token": link})
    assert first.status_code == 200 and first.json()["user"]["email"] == PRESENTER
    assert _set_cookie(first).startswith(f"{SESSION_COOKIE}=")
    client.cookies.clear()
    again = client.post("/api/session/link", json={"token": link})
    assert (again.status_code, error_code(again)) == (400, "link_invalid")


def test_sign_in_attempts_are_limited_per_address(client: TestClient) -> None:
    for _ in range(3):
        assert client.post("/api/session", json={"email": PRESENTER, "password": "guess"}).status_code == 401
    refused = client.post("/api/session", json={"email": PRESENTER, "password": PASSWORD})
    assert (refused.status_code, error_code(refused)) == (429, "rate_limited")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    link = client.app.state.accounts.sign_in_link(PRESENTER)  # type: ignore[attr-defined]
    assert client.post("/api/session/link", json={"token": link}).status_code == 429  # the same count


@pytest.mark.slow
def test_a_deck_s_password_unlocks_it_for_this_browser(client: TestClient, tmp_path: Path) -> None:
    locked = one_page_deck(client, tmp_path, "locked", visibility="password", password=DECK_PASSWORD)
    public = one_page_deck(client, tmp_path, "open", visibility="public")
    private = one_page_deck(client, tmp_path, "mine", visibility="private")
    unlock = f"/api/decks/{locked['slug']}/unlock"

    assert error_code(client.get(f"/api/decks/{locked['slug']}")) == "password_required"
    wrong = client.post(unlock, json={"password": "let me in"})
    assert (wrong.status_code, error_code(wrong)) == (401, "wrong_password")
    assert "set-cookie" not in wrong.headers
    right = client.post(unlock, json={"password": DECK_PASSWORD})
    assert right.status_code == 204
    assert _set_cookie(right).startswith(f"{VIEWER_COOKIE}=")  # no Max-Age: it ends with the browser
    assert "Max-Age" not in _set_cookie(right)
    assert client.get(f"/api/decks/{locked['id']}").json()["id"] == locked["id"]
    client.cookies.clear()
    assert client.get(f"/api/decks/{locked['id']}").status_code == 401  # another browser

    opened = client.post(f"/api/decks/{public['slug']}/unlock", json={"password": "anything"})
    assert opened.status_code == 204 and "set-cookie" not in opened.headers  # nothing to unlock
    hidden = client.post(f"/api/decks/{private['slug']}/unlock", json={"password": "anything"})
    assert (hidden.status_code, error_code(hidden)) == (404, "deck_not_found")


@pytest.mark.slow
def test_a_presenter_s_page_lists_their_public_ready_decks(client: TestClient, tmp_path: Path) -> None:
    expired = datetime.now(UTC) - timedelta(days=1)
    shown = one_page_deck(client, tmp_path, "shown", visibility="public")
    for name, options in {
        "unlisted": {"visibility": "unlisted"},
        "private": {"visibility": "private"},
        "locked": {"visibility": "password", "password": DECK_PASSWORD},
        "expired": {"visibility": "public", "expires_at": expired},
    }.items():
        one_page_deck(client, tmp_path, name, **options)
    handle = client.app.state.accounts.user(PRESENTER).handle  # type: ignore[attr-defined]
    page = client.get(f"/api/users/{handle}/decks")
    assert page.status_code == 200
    assert [d["id"] for d in page.json()["decks"]] == [shown["id"]]
    missing = client.get("/api/users/nobody-here/decks")
    assert (missing.status_code, error_code(missing)) == (404, "user_not_found")
