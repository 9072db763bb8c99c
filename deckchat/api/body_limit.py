"""A size limit on request bodies other than file uploads, which uploads.py limits by their own rules.

A body that declares a bigger Content-Length is refused before it is read; one sent in chunks is cut
off as soon as it passes the limit, so nobody can make the server buffer megabytes of JSON.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_upload(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        started = over = refused = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, refused
            if message["type"] == "http.response.start" and over and not started:
                # FastAPI turns any error while reading a JSON body into its own 400; the answer to a
                # body cut off here is still this one.
                started = refused = True
                await self._refuse(send)
            elif not refused:
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": {
                    "code": "body_too_large",
                    "message": f"The request body is over {self.max_bytes // 1024} KiB.",
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


_UPLOADS = re.compile(r"^/api/decks(/[^/]+/versions)?/?$")


def _is_upload(scope: Scope) -> bool:
    """The two upload routes, by path: a multipart content type alone would be an easy way around."""
    return scope.get("method") == "POST" and bool(_UPLOADS.match(scope["path"]))
