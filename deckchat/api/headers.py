"""Headers every response gets: security headers, no shared caching of API answers, and the cookies a
route queued. A pure ASGI middleware, so streamed (SSE) responses get them too."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Deck text is rendered as text, so no page needs inline script; the CSP is a second wall. The embed is
# meant to be framed by other sites, so frame-ancestors stays open.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    # An unlisted deck's link is its only key: never hand it to another site in a Referer.
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", _CSP.encode()),
]
# Answers depend on who asks (owners see more), so no cache may hand one viewer's answer to another.
_API_CACHE = [(b"cache-control", b"private, no-store"), (b"vary", b"Cookie, Authorization")]


class ResponseHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in _ALWAYS if n not in names]
                if is_api:
                    headers += [(n, v) for n, v in _API_CACHE if n not in names]
                cookies = scope.get("state", {}).get("set_cookies", [])
                headers += [(b"set-cookie", value.encode("latin-1")) for value in cookies]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
