"""The built front end: static assets, and index.html for every client-side route."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from deckchat.api.auth import anyone

WEB_DIST = Path(__file__).resolve().parents[2] / "web_dist"
_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>deckchat</title>
<p>The deckchat front end is not built. Run <code>make setup</code>;
the API is at <a href="/docs">/docs</a>.</p>"""


def mount(app: FastAPI, dist: Path = WEB_DIST) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    # The page shell holds no deck data (the API decides what each viewer gets), so anyone may load it.
    router = APIRouter(include_in_schema=False, dependencies=[Depends(anyone)])

    async def spa() -> Response:
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    for path in ("/", "/signin", "/u/{handle}", "/d/{slug}", "/d/{slug}/{number}"):
        router.add_api_route(path, spa, methods=["GET"], response_model=None)
    app.include_router(router)
