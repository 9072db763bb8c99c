"""Slide images at content-hashed URLs, for those who may view a deck that shows them.

An image of a deck open to anyone with its link may be cached forever, by anyone; one of a private,
password or expiring deck is revalidated on every use (its ETag makes that cheap), so access that is
taken away is taken away at once.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from deckchat.api.auth import ImageDep
from deckchat.api.deps import ContentDep, MediaCacheDep
from deckchat.api.media_cache import MediaCache
from deckchat.services.deck_content import DeckContent

router = APIRouter(tags=["media"])
_SHARED = "public, max-age=31536000, immutable"
_RESTRICTED = "private, no-cache"


@router.head("/media/{name}", include_in_schema=False)
@router.get("/media/{name}", response_class=Response, responses={200: {"content": {"image/webp": {}}}})
async def media(
    name: str, image: ImageDep, request: Request, content: ContentDep, cache: MediaCacheDep
) -> Response:
    etag = f'"{image.digest}"'
    headers = {"Cache-Control": _SHARED if image.shared else _RESTRICTED, "ETag": etag}
    if not image.shared:
        headers["Vary"] = "Cookie"
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = cache.get(image.digest)
    if body is None:
        body = await run_in_threadpool(_read, content, cache, image.digest)
    return Response(body, media_type="image/webp", headers=headers)


def _read(content: DeckContent, cache: MediaCache, digest: str) -> bytes:
    return cache.read(digest, content.media_path(digest))
