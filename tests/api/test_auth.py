"""The authorization matrix: every route of the app, for every kind of caller and every visibility,
answers an exact expected status.

The routes come from the app's own route table, and ROUTES below must name each of them with the rule
it is meant to follow, so a new route without a rule here fails the test. The expected statuses are
written out per rule in EXPECTED, not derived from the code under test.

"anonymous" and "link viewer" send the same requests: a server cannot tell how a URL was learned. What
keeps an unlisted deck from strangers is its 80-bit slug, which test_slugs_are_unguessable checks.

After the matrix, how a caller is resolved: tokens, the session cookie's CSRF token, the Origin of a
write, the cookies' Secure flag, and the signed viewer cookie.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deckchat.api import auth
from deckchat.api.app import create_app
from deckchat.api.auth import CSRF_HEADER, SESSION_COOKIE, VIEWER_COOKIE, route_rules
from deckchat.bootstrap import bootstrap
from deckchat.jobs.in_process import ingest_now
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services
from deckchat.settings import Settings
from deckchat.store import tables
from tests.ingest import hostile

pytestmark = pytest.mark.slow

OWNER, OTHER = "ada@example.com", "bob@example.com"
PASSWORD = "correct horse"
DECK_PASSWORD = "open sesame"
CLIENTS = ("anonymous", "link_viewer", "password_viewer", "other_owner", "owner", "token")
VISIBILITIES = ("public", "unlisted", "private", "password", "expired")

# Every route, by method and path, with the rule it must follow.
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/session"): "anyone",
    ("POST", "/api/session"): "anyone",
    ("POST", "/api/session/link"): "anyone",
    ("DELETE", "/api/session"): "anyone",
    ("GET", "/api/users/{handle}/decks"): "anyone",
    ("POST", "/api/decks"): "signed_in",
    ("GET", "/api/decks"): "signed_in",
    ("POST", "/api/decks/{ref}/unlock"): "unlock",
    ("GET", "/api/decks/{ref}"): "view",
    ("GET", "/api/decks/{ref}/slides"): "view",
    ("GET", "/api/decks/{ref}/notes"): "view",
    ("GET", "/api/decks/{ref}/original"): "view",
    ("GET", "/api/decks/{ref}/progress"): "view",
    ("POST", "/api/decks/{ref}/chat"): "view",
    ("POST", "/api/decks/{ref}/views"): "view",
    ("GET", "/media/{name}"): "image",
    ("HEAD", "/media/{name}"): "image",
    ("PATCH", "/api/decks/{ref}"): "manage",
    ("POST", "/api/decks/{ref}/versions"): "manage",
    ("GET", "/api/decks/{ref}/analytics"): "manage",
    ("GET", "/"): "anyone",
    ("GET", "/signin"): "anyone",
    ("GET", "/u/{handle}"): "anyone",
    ("GET", "/d/{slug}"): "anyone",
    ("GET", "/d/{slug}/{number}"): "anyone",
    ("DELETE", "/api/decks/{ref}"): "manage",  # last: each success is undone by ingesting the deck anew
}
# What success looks like, where it is not 200.
SUCCESS = {
    ("POST", "/api/decks"): 202,
    ("POST", "/api/decks/{ref}/versions"): 202,
    ("POST", "/api/decks/{ref}/views"): 204,
    ("POST", "/api/decks/{ref}/unlock"): 204,
    ("DELETE", "/api/decks/{ref}"): 204,
    ("DELETE", "/api/session"): 204,
    ("POST", "/api/session/link"): 400,  # the matrix sends a used link: refused alike for everyone
}
NOT_VIEWABLE = {"private": 404, "password": 401, "expired": 404}


def _viewer(visibility: str, client: str) -> bool:
    if client in ("owner", "token") or visibility in ("public", "unlisted"):
        return True
    return visibility == "password" and client == "password_viewer"


# The expected status of a rule, for a (visibility, client) cell and the route's success status.
EXPECTED: dict[str, Callable[[str, str, int], int]] = {
    "anyone": lambda visibility, client, ok: ok,
    "signed_in": lambda visibility, client, ok: ok if client in ("other_owner", "owner", "token") else 401,
    "view": lambda visibility, client, ok: ok if _viewer(visibility, client) else NOT_VIEWABLE[visibility],
    # An image URL says nothing about its deck: whatever the reason, a refusal is a plain 404.
    "image": lambda visibility, client, ok: ok if _viewer(visibility, client) else 404,
    # Those who can view the deck learn they may not change it (401 signed out, 403 signed in as
    # someone else); those who cannot view it learn no more than a viewer would.
    "manage": lambda visibility, client, ok: (
        ok
        if client in ("owner", "token")
        else NOT_VIEWABLE[visibility]
        if not _viewer(visibility, client)
        else 403
        if client == "other_owner"
        else 401
    ),
    # Anyone who can see the deck exists may try its password; a private deck stays missing.
    "unlock": lambda visibility, client, ok: (
        ok
        if visibility in ("public", "unlisted", "password") or client in ("owner", "token")
        else NOT_VIEWABLE[visibility]
    ),
}


@dataclass
class World:
    app: FastAPI
    client: TestClient
    services: Services
    accounts: Accounts
    decks: dict[str, dict[str, str]]  # visibility -> {"id", "slug", "image"}
    credentials: dict[str, Callable[[], dict[str, Any]]]
    folder: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("access-home")
    settings = Settings(
        home=home,
        llm="extractive",
        chat_rate_per_ip="10000/minute",
        chat_rate_per_session="10000/minute",
        viewer_sessions_per_ip="10000/minute",
        sign_in_rate="10000/minute",
    )
    app = create_app(bootstrap(settings), run_jobs=False)
    with TestClient(app) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        accounts: Accounts = client.app.state.accounts  # type: ignore[attr-defined]
        accounts.add_user(OWNER, PASSWORD)
        accounts.add_user(OTHER, PASSWORD)
        _, token = accounts.create_token(OWNER, "matrix")
        folder = tmp_path_factory.mktemp("access-files")
        decks = {visibility: _ingest(services, accounts, folder, visibility) for visibility in VISIBILITIES}

        def session_of(email: str) -> Callable[[], dict[str, Any]]:
            def make() -> dict[str, Any]:
                # A fresh session per request: the matrix signs sessions out, too.
                signed = accounts.redeem_link(accounts.sign_in_link(email))
                cookie = f"{SESSION_COOKIE}={signed.secret}"
                return {"headers": {"Cookie": cookie, CSRF_HEADER: signed.csrf_token}}

            return make

        unlocked = client.post(
            f"/api/decks/{decks['password']['slug']}/unlock", json={"password": DECK_PASSWORD}
        )
        assert unlocked.status_code == 204, unlocked.text
        viewer_cookie = unlocked.cookies[VIEWER_COOKIE]
        client.cookies.clear()
        credentials: dict[str, Callable[[], dict[str, Any]]] = {
            "anonymous": lambda: {},
            "link_viewer": lambda: {},
            "password_viewer": lambda: {"headers": {"Cookie": f"{VIEWER_COOKIE}={viewer_cookie}"}},
            "other_owner": session_of(OTHER),
            "owner": session_of(OWNER),
            "token": lambda: {"headers": {"Authorization": f"Bearer {token}"}},
        }
        yield World(app, client, services, accounts, decks, credentials, folder)


def _ingest(
    services: Services, accounts: Accounts, folder: Path, visibility: str, tag: str = ""
) -> dict[str, str]:
    path = hostile.pages_pdf(
        folder, 1, f"{visibility}{tag}.pdf", text=f"The {visibility}{tag} deck says hello"
    )
    deck_id = ingest_now(
        services,
        path,
        title=f"{visibility}{tag}",
        visibility="public" if visibility == "expired" else visibility,
        owner_id=accounts.user(OWNER).id,
        password=DECK_PASSWORD if visibility == "password" else None,
        expires_at=datetime.now(UTC) - timedelta(days=1) if visibility == "expired" else None,
    )
    services.decks.update(deck_id, {"allow_download": True})
    view = services.decks.get(deck_id)
    image = services.content.slides(deck_id)[0].image.removeprefix("/media/")
    return {"id": deck_id, "slug": view.slug, "image": image}


def test_every_route_has_a_rule_and_declares_the_same(world: World) -> None:
    routes = list(route_rules(world.app))
    assert {(m, p) for m, p, _ in routes} == set(ROUTES), "a route was added or removed: give it a rule"
    for method, path, declared in routes:
        assert declared is not None, path
        expected = ROUTES[(method, path)]
        assert declared.value == {"unlock": "anyone", "image": "view"}.get(expected, expected), (method, path)


def _request(world: World, method: str, path: str, visibility: str | None, client: str) -> int:
    deck = world.decks[visibility] if visibility else world.decks["public"]
    status = _send(world, method, path, deck, client).status_code
    if status in (200, 202, 204):
        _restore(world, method, path, visibility)
    return status


def _send(
    world: World, method: str, path: str, deck: dict[str, str], client: str, ref: str = "slug"
) -> httpx.Response:
    """One request for ``deck``, naming it in the path by its ``ref`` (id or slug)."""
    handle = world.accounts.user(OWNER).handle
    url = (
        path.replace("{ref}", deck[ref])
        .replace("{slug}", deck[ref])
        .replace("{number}", "1")
        .replace("{name}", deck["image"])
        .replace("{handle}", handle)
    )
    kwargs: dict[str, Any] = world.credentials[client]()
    body = _body(world, method, path)
    world.client.cookies.clear()
    response = world.client.request(method, url, **kwargs, **body)
    world.client.cookies.clear()
    return response


def _body(world: World, method: str, path: str) -> dict[str, Any]:
    if path.endswith("/chat"):
        return {"json": {"question": "What does the deck say?"}}
    if path.endswith("/views"):
        return {"json": {"slide": 1}}
    if path.endswith("/unlock"):
        return {"json": {"password": DECK_PASSWORD}}
    if method == "PATCH":
        return {"json": {"description": "changed by the matrix"}}
    if path == "/api/session" and method == "POST":
        return {"json": {"email": OWNER, "password": PASSWORD}}
    if path == "/api/session/link":
        used = world.accounts.sign_in_link(OTHER)
        world.accounts.redeem_link(used)
        return {"json": {"token": used}}
    if path in ("/api/decks", "/api/decks/{ref}/versions"):
        pdf = hostile.pages_pdf(world.folder, 1, "upload.pdf", text="An uploaded deck")
        return {"files": [("deck", (pdf.name, pdf.read_bytes(), "application/pdf"))]}
    return {}


def _restore(world: World, method: str, path: str, visibility: str | None) -> None:
    """Undo what a successful request changed, so the next cell starts from the same world."""
    if not visibility:
        return
    if method == "DELETE":
        world.decks[visibility] = _ingest(world.services, world.accounts, world.folder, visibility, "-again")
    elif path.endswith("/versions"):
        with world.services.db.session() as session:  # the replacement job would make the next one 409
            session.query(tables.JobRow).filter(tables.JobRow.replacement.is_not(None)).delete()


def _cells() -> Iterator[tuple[str, str, str | None, str]]:
    for (method, path), _rule in ROUTES.items():
        per_deck = "{ref}" in path or "{name}" in path
        for visibility in VISIBILITIES if per_deck else (None,):
            for client in CLIENTS:
                yield method, path, visibility, client


def test_the_authorization_matrix(world: World) -> None:
    wrong = []
    cells = 0
    for method, path, visibility, client in _cells():
        rule = ROUTES[(method, path)]
        expected = EXPECTED[rule](visibility or "public", client, SUCCESS.get((method, path), 200))
        got = _request(world, method, path, visibility, client)
        cells += 1
        if got != expected:
            wrong.append(f"{method} {path} [{visibility or '-'}] as {client}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    per_deck = sum("{ref}" in path or "{name}" in path for _, path in ROUTES)
    assert cells == len(CLIENTS) * (len(VISIBILITIES) * per_deck + len(ROUTES) - per_deck) == 492


# Headers that differ between any two responses: the time, and a new viewer cookie's random value.
_VARYING = {"date", "set-cookie"}


def _as_compared(response: httpx.Response) -> tuple[int, dict[str, str], bytes, bool]:
    headers = {k: v for k, v in response.headers.items() if k not in _VARYING}
    return response.status_code, headers, response.content, "set-cookie" in response.headers


def test_a_refused_deck_answers_as_an_unknown_one(world: World) -> None:
    """A private deck, one whose link has expired and a deleted one, asked for by id or by slug, answer
    a stranger (anonymous, or another presenter) on every route that names a deck or its image exactly
    as a deck that never existed does: the same status, headers and body, byte for byte."""
    deleted = _ingest(world.services, world.accounts, world.folder, "public", "-deleted")
    world.services.decks.remove(deleted["id"])
    refused = {"private": world.decks["private"], "expired": world.decks["expired"], "deleted": deleted}
    unknown = {
        "id": "0123456789abcdef",
        "slug": "no-such-deck-0123456789abcdef0123",
        "image": "0" * 64 + ".webp",
    }
    per_deck = [key for key in ROUTES if any(p in key[1] for p in ("{ref}", "{slug}", "{name}"))]
    different, compared = [], 0
    for method, path in per_deck:
        for client in ("anonymous", "other_owner"):
            expected = _as_compared(_send(world, method, path, unknown, client))
            if path.startswith("/api") or path.startswith("/media"):
                assert expected[0] == 404, (method, path, expected)
            for name, deck in refused.items():
                for ref in ("id", "slug"):
                    got = _as_compared(_send(world, method, path, deck, client, ref))
                    compared += 1
                    if got != expected:
                        different.append(
                            f"{method} {path} [{name} by {ref}] as {client}: {got} != {expected}"
                        )
    assert not different, "\n".join(different)
    assert compared == len(per_deck) * 2 * 3 * 2 == 192
    body = _send(world, "GET", "/api/decks/{ref}", refused["private"], "anonymous").json()
    assert body == {
        "error": {"code": "deck_not_found", "message": "No such deck, or it is not shared with you."}
    }


def test_a_private_deck_s_image_is_its_owner_s_alone(world: World) -> None:
    image = f"/media/{world.decks['private']['image']}"
    world.client.cookies.clear()
    assert world.client.get(image).status_code == 404
    owner = world.client.get(image, **world.credentials["owner"]())
    assert owner.status_code == 200 and owner.headers["cache-control"] == "private, no-cache"
    public = world.client.get(f"/media/{world.decks['public']['image']}")
    assert public.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_slugs_are_unguessable(world: World) -> None:
    slug = world.decks["unlisted"]["slug"]
    tail = slug.rsplit("-", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{20}", tail), slug  # 80 random bits


def test_the_session_tells_its_page_the_csrf_token(world: World) -> None:
    owner = world.credentials["owner"]()
    world.client.cookies.clear()
    session = world.client.get("/api/session", **owner).json()
    assert session["user"]["email"] == OWNER
    assert session["csrf_token"] == owner["headers"][CSRF_HEADER]
    token = world.client.get("/api/session", **world.credentials["token"]()).json()
    assert token["user"]["email"] == OWNER and token["csrf_token"] is None  # tokens need none
    assert world.client.get("/api/session").json() == {"user": None, "csrf_token": None}


# --- how a caller is resolved, on an app with no deck ---------------------------------------------------


@pytest.fixture
def bare(home: Path) -> Iterator[TestClient]:
    settings = Settings(home=home, public_url="https://decks.example")
    with TestClient(create_app(bootstrap(settings), run_jobs=False)) as client:
        client.app.state.accounts.add_user(OWNER, None)  # type: ignore[attr-defined]
        yield client


def _session(client: TestClient) -> tuple[dict[str, str], str]:
    """A fresh session's cookie header, and its CSRF token."""
    accounts: Accounts = client.app.state.accounts  # type: ignore[attr-defined]
    signed = accounts.redeem_link(accounts.sign_in_link(OWNER))
    return {"Cookie": f"{SESSION_COOKIE}={signed.secret}"}, signed.csrf_token


def _code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_bad_token_is_refused_even_where_anyone_may_call(bare: TestClient) -> None:
    for authorization in ("Bearer not-a-token", "Basic b3duZXI6cGFzcw==", "Bearer"):
        refused = bare.get("/api/session", headers={"Authorization": authorization})
        assert _code(refused) == (401, "invalid_token"), authorization


def test_a_session_cookie_changes_nothing_without_the_page_s_csrf_token(bare: TestClient) -> None:
    cookie, csrf = _session(bare)
    assert bare.get("/api/session", headers=cookie).json()["user"]["email"] == OWNER  # reading needs none
    for sent in ({}, {CSRF_HEADER: "guessed"}):
        assert _code(bare.delete("/api/session", headers={**cookie, **sent})) == (403, "csrf_failed")
    assert bare.delete("/api/session", headers={**cookie, CSRF_HEADER: csrf}).status_code == 204


def test_writes_from_other_sites_are_refused(bare: TestClient) -> None:
    wrong = {"email": OWNER, "password": "not it"}
    foreign = bare.post("/api/session", json=wrong, headers={"Origin": "https://evil.example"})
    assert _code(foreign) == (403, "cross_origin")
    for own in ("http://testserver", "https://decks.example"):  # the request's host, the public URL
        assert _code(bare.post("/api/session", json=wrong, headers={"Origin": own})) == (
            401,
            "bad_credentials",
        )
    assert _code(bare.post("/api/session", json=wrong)) == (401, "bad_credentials")  # not a browser
    _, token = bare.app.state.accounts.create_token(OWNER, "script")  # type: ignore[attr-defined]
    scripted = {"Authorization": f"Bearer {token}", "Origin": "https://evil.example"}
    assert bare.delete("/api/session", headers=scripted).status_code == 204  # no browser sends a token


def test_cookies_are_secure_when_the_site_is(home: Path) -> None:
    for public_url, cookie_secure, secure in (
        ("http://decks.example", None, False),
        ("https://decks.example", None, True),
        ("https://decks.example", False, False),
        ("http://decks.example", True, True),
    ):
        settings = Settings(home=home, public_url=public_url, cookie_secure=cookie_secure)
        with TestClient(create_app(bootstrap(settings), run_jobs=False)) as client:
            accounts: Accounts = client.app.state.accounts  # type: ignore[attr-defined]
            email = f"{secure}-{cookie_secure}@example.com"
            accounts.add_user(email, None)
            signed = client.post("/api/session/link", json={"token": accounts.sign_in_link(email)})
        assert signed.headers["set-cookie"].endswith("; Secure") == secure, (public_url, cookie_secure)


def test_a_viewer_cookie_is_trusted_only_as_signed() -> None:
    key, other = b"k" * 32, b"o" * 32
    signed = auth._sign(key, b'{"v":"viewer-1","u":{"deck":"stamp"}}')
    assert auth._unsign(key, signed) == {"v": "viewer-1", "u": {"deck": "stamp"}}
    data, mac = signed.split(".")
    forged = auth._sign(other, b'{"v":"viewer-1","u":{"private-deck":"x"}}').split(".")[0]
    for bad in (
        auth._sign(other, b'{"v":"viewer-1"}'),  # signed with another key
        f"{forged}.{mac}",  # another payload under this signature
        f"{data}.{mac[:-4]}AAA=",
        "no-dot",
        "a.b.c",
        "%%%.%%%",
        auth._sign(key, b'["v", "viewer-1"]'),  # signed, but not an object
    ):
        assert auth._unsign(key, bad) is None, bad
