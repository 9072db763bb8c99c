"""Slide images at content-hashed URLs: cached forever, revalidated by ETag."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from deckchat.api.deps import LibraryDep
from deckchat.core.errors import NotFound

router = APIRouter(tags=["media"])
_IMMUTABLE = "public, max-age=31536000, immutable"


@router.head("/media/{name}", include_in_schema=False)
@router.get("/media/{name}", response_class=FileResponse)
async def media(name: str, request: Request, library: LibraryDep) -> Response:
    digest, dot, ext = name.partition(".")
    if ext != "webp" or not dot:
        raise NotFound("No such image.", code="image_not_found")
    path = await run_in_threadpool(library.media_path, digest)
    etag = f'"{digest}"'
    headers = {"Cache-Control": _IMMUTABLE, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="image/webp", headers=headers)
