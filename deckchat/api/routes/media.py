"""Slide images at content-hashed URLs, for those who may view a deck that shows them.

An image of a deck open to anyone with its link may be cached forever, by anyone; one of a private,
password or expiring deck is revalidated on every use (its ETag makes that cheap), so access that is
taken away is taken away at once.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from deckchat.api.auth import ImageDep
from deckchat.api.deps import LibraryDep

router = APIRouter(tags=["media"])
_SHARED = "public, max-age=31536000, immutable"
_RESTRICTED = "private, no-cache"


@router.head("/media/{name}", include_in_schema=False)
@router.get("/media/{name}", response_class=FileResponse)
async def media(name: str, image: ImageDep, request: Request, library: LibraryDep) -> Response:
    path = await run_in_threadpool(library.media_path, image.digest)
    etag = f'"{image.digest}"'
    headers = {"Cache-Control": _SHARED if image.shared else _RESTRICTED, "ETag": etag}
    if not image.shared:
        headers["Vary"] = "Cookie"
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="image/webp", headers=headers)
