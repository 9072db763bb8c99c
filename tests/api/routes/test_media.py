"""/media/{name}: slide images by content hash, cached forever when their deck is open to anyone with
its link, revalidated on every use otherwise; an ETag makes revalidation a 304."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from deckchat.api.app import create_app
from deckchat.bootstrap import bootstrap
from deckchat.settings import Settings
from tests.api.helpers import one_page_deck, sign_in_presenter

pytestmark = pytest.mark.slow  # ingests two decks (in process, one page each)

SHARED = "public, max-age=31536000, immutable"
RESTRICTED = "private, no-cache"


@dataclass(frozen=True)
class Images:
    client: TestClient  # anonymous: the presenter's token is sent only where a test says so
    owner: dict[str, str]  # the headers that make a request the owner's
    shared: str  # the image URL of a public deck's slide
    restricted: str  # of a private deck's


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Images]:
    home = tmp_path_factory.mktemp("media") / "home"
    with TestClient(create_app(bootstrap(Settings(home=home)), run_jobs=False)) as client:
        sign_in_presenter(client)
        folder = home.parent
        shared = one_page_deck(client, folder, "public", visibility="public")["image"]
        restricted = one_page_deck(client, folder, "private", visibility="private")["image"]
        owner = {"Authorization": client.headers.pop("Authorization")}
        yield Images(client, owner, shared, restricted)


def _digest(url: str) -> str:
    return url.removeprefix("/media/").removesuffix(".webp")


def test_an_open_deck_s_image_may_be_cached_by_anyone(images: Images) -> None:
    response = images.client.get(images.shared)
    assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WEBP"
    assert response.headers["cache-control"] == SHARED
    assert response.headers["etag"] == f'"{_digest(images.shared)}"'
    assert "vary" not in response.headers  # the same bytes for everyone
    media_cache = images.client.app.state.media_cache  # type: ignore[attr-defined]
    assert media_cache.get(_digest(images.shared)) == response.content  # the next one is served from memory
    assert images.client.get(images.shared).content == response.content


def test_a_restricted_image_is_revalidated_per_viewer(images: Images) -> None:
    response = images.client.get(images.restricted, headers=images.owner)
    assert response.status_code == 200 and response.content[:4] == b"RIFF"
    assert response.headers["cache-control"] == RESTRICTED
    assert response.headers["vary"] == "Cookie"  # a shared cache must not answer another viewer with it


def test_a_known_etag_gets_304_with_the_same_caching(images: Images) -> None:
    for url, headers in ((images.shared, {}), (images.restricted, images.owner)):
        etag = images.client.get(url, headers=headers).headers["etag"]
        for sent in (etag, f'W/"other", {etag}'):
            again = images.client.get(url, headers={**headers, "If-None-Match": sent})
            assert again.status_code == 304 and again.content == b"", (url, sent)
            assert again.headers["etag"] == etag
            assert again.headers["cache-control"] == (SHARED if url == images.shared else RESTRICTED)
        changed = images.client.get(url, headers={**headers, "If-None-Match": '"another-image"'})
        assert changed.status_code == 200 and changed.content


def test_an_etag_opens_nothing(images: Images) -> None:
    """Access is checked before the ETag: knowing an image's hash does not reveal that it exists."""
    etag = f'"{_digest(images.restricted)}"'
    refused = images.client.get(images.restricted, headers={"If-None-Match": etag})
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "image_not_found"


def test_head_answers_the_headers_alone(images: Images) -> None:
    head = images.client.head(images.shared)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["cache-control"] == SHARED and head.headers["etag"] == f'"{_digest(images.shared)}"'
